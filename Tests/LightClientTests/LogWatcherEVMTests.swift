import LightClient
import SQLite
import Testing

/// Events a handler saw, in order.
actor EventRecorder {
    private(set) var events: [LogWatchEvent] = []
    /// Throw from the handler this many times before accepting events.
    private var failuresLeft: Int

    init(failFirst: Int = 0) {
        failuresLeft = failFirst
    }

    func record(_ event: LogWatchEvent) throws {
        if failuresLeft > 0 {
            failuresLeft -= 1
            throw HandlerFailure()
        }
        events.append(event)
    }

    /// The delivered logs' ping values and block numbers, in delivery order.
    var pings: [(value: UInt64, block: UInt64)] {
        events.flatMap { event -> [(value: UInt64, block: UInt64)] in
            guard case .logs(let batch) = event else { return [] }
            return batch.logs.map { log in
                let values = try? DevChain.pingEvent.decodeLog(topics: log.topics, data: log.data)
                guard case .uint(let value)? = values?.last else { return (0, log.block.number) }
                return (value.uint64Value ?? 0, log.block.number)
            }
        }
    }

    var rewinds: [UInt64] {
        events.compactMap { if case .rewound(let block) = $0 { block } else { nil } }
    }
}

struct HandlerFailure: Error {}

/// The watcher against a real EVM (py-evm dev chains of the fixture server): ranges, confirmations, the cursor
/// across restarts, at-least-once delivery, shrinking on "more than N results", a real reorg.
@Suite struct LogWatcherEVMTests {
    static func store() throws -> LogCursorStore {
        let database = try Database.inMemory()
        try database.migrate([Migration(version: 1, sql: LogCursorStore.schema)])
        return LogCursorStore(database: database)
    }

    static func watcher(
        _ chain: DevChain, store: LogCursorStore, confirmations: UInt64 = 1, maxRange: UInt64 = 2, maxLogs: Int? = nil
    ) -> LogWatcher {
        LogWatcher(
            client: chain.client(maxLogs: maxLogs), store: store,
            configuration: .init(
                name: "pings", addresses: [DevChain.emitter], topics: [[DevChain.pingEvent.topic]], startBlock: 0,
                settings: .init(confirmations: confirmations, maxRange: maxRange, keptBlocks: 64),
                pollInterval: .milliseconds(20), maxConsecutiveFailures: 5))
    }

    /// Runs `watcher` in a task recording into `recorder`.
    static func start(_ watcher: LogWatcher, _ recorder: EventRecorder) -> Task<Void, any Error> {
        Task { try await watcher.run { event in try await recorder.record(event) } }
    }

    @Test func deliversConfirmedLogsInOrderAndRewindsAReorg() async throws {
        let chain = try DevChain()
        let sender = chain.sender()
        try await chain.ping(1, from: sender)  // block 1
        try await chain.ping(2, from: sender)  // block 2
        try await chain.mine(2)  // head 4, confirmed 3
        let recorder = EventRecorder()
        let run = Self.start(Self.watcher(chain, store: try Self.store()), recorder)
        defer { run.cancel() }
        try await eventually("two pings") { await recorder.pings.count == 2 }
        #expect(await recorder.pings.map(\.value) == [1, 2])
        #expect(await recorder.pings.map(\.block) == [1, 2])

        // Blocks 2... are replaced by a longer branch of empty blocks; ping 2 goes back to the pool.
        #expect(try await chain.reorg(onto: 1, blocks: 5) == 6)
        try await eventually("the rewind") { await recorder.rewinds == [2] }
        #expect(try await chain.poolSize() == 1)
        try await chain.mine(2)  // ping 2 again, in block 7; head 8
        try await eventually("ping 2 on the new branch") { await recorder.pings.count == 3 }
        #expect(await recorder.pings.map(\.value) == [1, 2, 2])
        #expect(await recorder.pings.last?.block == 7)
        #expect(await recorder.events.count { if case .rewound = $0 { true } else { false } } == 1)
    }

    @Test func unconfirmedLogsWaitForTheirConfirmations() async throws {
        let chain = try DevChain()
        try await chain.ping(5, from: chain.sender())  // block 1, head 1
        let recorder = EventRecorder()
        let store = try Self.store()
        let run = Self.start(Self.watcher(chain, store: store, confirmations: 3), recorder)
        defer { run.cancel() }
        try await chain.mine(2)  // head 3: block 1 has 2 confirmations
        try await eventually("the cursor to reach block 1") { try store.load("pings")?.nextBlock == 1 }
        #expect(await recorder.pings.isEmpty)
        try await chain.mine()
        try await eventually("ping 5") { await recorder.pings.count == 1 }
    }

    @Test func theCursorSurvivesARestartAndAFailedHandlerGetsTheLogsAgain() async throws {
        let chain = try DevChain()
        let sender = chain.sender()
        let store = try Self.store()
        try await chain.ping(1, from: sender)
        try await chain.mine()

        // The handler fails: `run` stops with its error and the cursor stays before the log.
        let failing = EventRecorder(failFirst: 1)
        await #expect(throws: HandlerFailure.self) {
            try await Self.start(Self.watcher(chain, store: store), failing).value
        }
        #expect(try store.load("pings")?.nextBlock ?? 0 <= 1)

        let first = EventRecorder()
        let run = Self.start(Self.watcher(chain, store: store), first)
        try await eventually("ping 1") { await first.pings.count == 1 }
        run.cancel()
        try await run.value  // Cancellation ends `run` cleanly.

        try await chain.ping(2, from: sender)
        try await chain.mine()
        let second = EventRecorder()
        let rerun = Self.start(Self.watcher(chain, store: store), second)
        defer { rerun.cancel() }
        try await eventually("ping 2") { await second.pings.count == 1 }
        #expect(await second.pings.map(\.value) == [2])
    }

    @Test func rangesShrinkWhenTheNodeRefusesTooManyResults() async throws {
        let chain = try DevChain()
        let sender = chain.sender()
        for value: UInt64 in 1...3 { try await chain.ping(value, from: sender) }  // blocks 1, 2, 3
        try await chain.mine()
        let recorder = EventRecorder()
        let run = Self.start(Self.watcher(chain, store: try Self.store(), maxRange: 16, maxLogs: 1), recorder)
        defer { run.cancel() }
        try await eventually("three pings") { await recorder.pings.count == 3 }
        #expect(await recorder.pings.map(\.value) == [1, 2, 3])
    }

    @Test func twoLogsInOneBlockOverTheNodesLimitStopTheWatcher() async throws {
        let chain = try DevChain()
        let sender = chain.sender()
        for value: UInt64 in 1...2 {
            _ = try await sender.send(
                TransactionRequest(to: DevChain.emitter, data: try DevChain.ping.encodeCall([.uint(UInt256(value))])))
        }
        try await chain.mine(2)  // both in block 1
        let watcher = Self.watcher(chain, store: try Self.store(), maxRange: 4, maxLogs: 1)
        await #expect(throws: LogWatchError.rangeCannotShrink(block: 1)) {
            try await Self.start(watcher, EventRecorder()).value
        }
    }
}
