import Hashing
import JSON
import LightClient
import Testing

/// The bindings end to end against the Vyper test doubles of SessionV2/SessionQueueV2 on py-evm: signed
/// transactions through `DirectTransactionSender`, reads through `eth_call`, logs from receipts and `eth_getLogs`,
/// a miner acking and committing from Python (eth-account).
@Suite(.serialized) struct CortensorEVMTests {
    let chain: CortensorChain
    let setup: CortensorChain.Setup
    let session: SessionV2
    let queue: SessionQueueV2

    init() async throws {
        chain = try CortensorChain.shared.get()
        setup = try await chain.setup()
        session = SessionV2(address: setup.session, client: chain.client)
        queue = SessionQueueV2(address: setup.queue, client: chain.client)
    }

    var minerAddress: Address { setup.keys["miner"]!.address }

    @Test func sessionZeroAndTheDiscoveryReads() async throws {
        let zero = try await session.session(0)
        #expect(zero.id == 0 && zero.name == "edge-test" && zero.state == 1)
        #expect(zero.owner == setup.keys["deployer"]!.address)
        #expect(zero.dedicatedNodes == [minerAddress] && zero.ephemeralNodes.isEmpty)
        #expect((zero.minNumOfNodes, zero.maxNumOfNodes, zero.redundant, zero.mode) == (1, 3, 1, 2))
        #expect((zero.reservePeriod, zero.maxTaskExecutionCount) == (300, 5))
        #expect(try await session.miners(ofSession: 0) == [minerAddress])
        #expect(try await session.sessionQueueAddress() == setup.queue)
        #expect(try await session.nodePoolAddress() == setup.nodePool)
        let expectedID = Keccak256.hash([UInt8](repeating: 0, count: 12) + minerAddress.bytes)
        #expect(try await session.nodeID(of: minerAddress) == expectedID)
    }

    @Test func submitBothFormsThenAMinerCommitsAndTheResultsReadBack() async throws {
        let router = try await chain.sender("router", setup)
        let newer = TaskSubmission(
            sessionID: 0, nodeType: 2, taskData: "bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy",
            llmParams: [1024, 70, 100, 40, 100, 0, 0], requestParams: [90, 0, 0, 0, 0, 0], clientReference: "ref-8")
        let (taskID, receipt) = try await session.submit(newer, via: router)
        #expect(try await queue.taskCount(sessionID: 0) == taskID + 1)

        // One receipt carries the session's TaskSubmitted/TaskAssigned and the queue's TaskQueued/TaskAssigned.
        let sessionEvents = try receipt.logs.filter { $0.address == setup.session }.compactMap(SessionV2.event)
        let queueEvents = try receipt.logs.filter { $0.address == setup.queue }.compactMap(SessionQueueV2.event)
        let nodeID = try await session.nodeID(of: minerAddress)
        #expect(
            sessionEvents == [
                .taskSubmitted(sessionID: 0, taskID: taskID, taskData: newer.taskData, clientReference: "ref-8"),
                .taskAssigned(sessionID: 0, taskID: taskID, nodeIDs: [nodeID]),
            ])
        guard case .queued(0, taskID, _, newer.taskData)? = queueEvents.first else {
            Issue.record("no TaskQueued: \(queueEvents)")
            return
        }
        #expect(queueEvents.last == .task(.assigned, sessionID: 0, taskID: taskID, miners: [minerAddress]))

        var task = try await queue.task(sessionID: 0, taskID: taskID)
        #expect(
            (task.id, task.sessionID, task.data, task.assignedMiners) == (taskID, 0, newer.taskData, [minerAddress]))
        #expect(!task.ended && task.status == 1 && task.lastCommitAt == .zero)
        #expect(try await queue.taskResults(sessionID: 0, taskID: taskID).isEmpty)

        var older = newer
        (older.requestParams, older.clientReference, older.taskData) = (nil, "ref-7", "plain text prompt")
        let (olderID, _) = try await session.submit(older, via: router)
        #expect(olderID == taskID + 1)
        #expect(try await queue.task(sessionID: 0, taskID: olderID).data == "plain text prompt")

        let taskIndex = try #require(taskID.intValue)
        let sent = try await chain.mine(
            setup, miner: "miner", sessionID: 0, taskID: taskIndex, result: "the answer is 42", precommit: true)
        #expect(sent.count == 3)
        let expected = [TaskResult(miner: minerAddress, result: "the answer is 42")]
        #expect(try await queue.taskResults(sessionID: 0, taskID: taskID) == expected)
        #expect(try await session.taskResults(sessionID: 0, taskID: taskID) == expected)
        #expect(try await queue.taskStatus(sessionID: 0, taskID: taskID) == 4)
        task = try await queue.task(sessionID: 0, taskID: taskID)
        #expect(task.status == 4 && task.lastCommitAt > .zero && task.lastPrecommitAt > .zero)
        #expect(try await queue.taskStatus(sessionID: 0, taskID: olderID) == 1)

        // The miner's steps, read back with eth_getLogs.
        let logs = try await chain.client.logs(
            LogFilter(fromBlock: .number(0), toBlock: .latest, addresses: [setup.queue]))
        let steps = try logs.map { try ContractLog(json: .object($0)) }.compactMap(SessionQueueV2.event).filter {
            if case .task(_, 0, taskID, _) = $0 { true } else { false }
        }
        #expect(
            steps == [
                .task(.assigned, sessionID: 0, taskID: taskID, miners: [minerAddress]),
                .task(.acked, sessionID: 0, taskID: taskID, miners: [minerAddress]),
                .task(.precommitted, sessionID: 0, taskID: taskID, miners: [minerAddress]),
                .task(.committed, sessionID: 0, taskID: taskID, miners: [minerAddress]),
                .task(.allCommitted, sessionID: 0, taskID: taskID, miners: [minerAddress]),
            ])
    }

    @Test func routerRegistrationIsStoredInTheSession() async throws {
        let router = try await chain.sender("router", setup)
        let first = RouterMetadata(rest: "http://127.0.0.1:5010")
        let added = try await session.publishRouter(sessionID: 0, router: router.from, metadata: first, via: router)
        #expect(
            try added.logs.compactMap(SessionV2.event) == [.routerAdded(router: router.from, metadata: first.encoded)])
        #expect(try await session.session(0).routers == [SessionRouter(address: router.from, metadata: first.encoded)])

        let dual = RouterMetadata(rest: "https://edge.example", webSocket: "wss://edge.example:9001")
        let updated = try await session.publishRouter(
            sessionID: 0, router: router.from, metadata: dual, update: true, via: router)
        #expect(
            try updated.logs.compactMap(SessionV2.event) == [
                .routerUpdated(router: router.from, metadata: dual.encoded)
            ])
        let routers = try await session.session(0).routers
        #expect(routers.map(\.address) == [router.from])
        #expect(routers.map { RouterMetadata(parsing: $0.metadata) } == [dual])

        // Adding the same router again reverts on chain: the receipt says failed.
        await #expect(throws: ContractError.self) {
            try await session.publishRouter(sessionID: 0, router: router.from, metadata: first, via: router)
        }
    }

    @Test func revertsAndMissingSessionsAreTypedErrors() async throws {
        await #expect(throws: ContractError.reverted(reason: "no such task", data: Self.errorData("no such task"))) {
            try await queue.task(sessionID: 0, taskID: 1_000)
        }
        await #expect(
            throws: ContractError.reverted(reason: "no such session", data: Self.errorData("no such session"))
        ) {
            try await session.session(99)
        }
        let router = try await chain.sender("router", setup)
        let submission = TaskSubmission(sessionID: 99, taskData: "x", llmParams: [], clientReference: "")
        // Mined and failed (the fixture's gas estimate does not simulate); the reason comes from replaying the call.
        await #expect(
            throws: ContractError.reverted(reason: "no such session", data: Self.errorData("no such session"))
        ) { try await session.submit(submission, via: router) }
    }

    /// `Error(string)` revert data.
    static func errorData(_ reason: String) -> [UInt8] {
        [0x08, 0xC3, 0x79, 0xA0] + (try! ABI.encode([.string(reason)], as: [.string]))
    }
}
