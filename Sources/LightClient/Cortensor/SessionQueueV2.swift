/// Cortensor's `SessionQueueV2` contract: tasks, their assignment to miners and the results they commit (the
/// subset a router reads, plus the miner-side writes; ABI in `Cortensor/ABI/SessionQueueV2.json`).
public struct SessionQueueV2: Sendable {
    /// The ABI fragment the binding uses.
    public static let abi = ContractABI.embedded("SessionQueueV2")
    /// `getTask(uint256,uint256)`.
    public static let getTask = function("getTask(uint256,uint256)")
    /// `getTaskResults(uint256,uint256)`.
    public static let getTaskResults = function("getTaskResults(uint256,uint256)")
    /// `getTaskStatus(uint256,uint256)`.
    public static let getTaskStatus = function("getTaskStatus(uint256,uint256)")
    /// `getTaskCountBySessionId(uint256)`.
    public static let getTaskCount = function("getTaskCountBySessionId(uint256)")
    /// `ack(uint256,uint256)`: a miner takes the task.
    public static let ack = function("ack(uint256,uint256)")
    /// `precommit(uint256,uint256,bytes32,string)`: a miner commits to the hash of its result.
    public static let precommit = function("precommit(uint256,uint256,bytes32,string)")
    /// `commit(uint256,uint256,string)`: a miner publishes its result (text or CID).
    public static let commit = function("commit(uint256,uint256,string)")

    /// The deployed contract.
    public let contract: ContractCaller

    /// The contract at `address` on the chain of `client`.
    public init(address: Address, client: JSONRPCClient) {
        contract = ContractCaller(address: address, client: client)
    }

    /// Task `taskID` of session `sessionID`.
    public func task(
        sessionID: UInt256, taskID: UInt256, at block: BlockTag = .latest
    ) async throws(ContractError) -> CortensorTask {
        try CortensorTask(
            tuple: try await contract.callSingle(Self.getTask, [.uint(sessionID), .uint(taskID)], at: block))
    }

    /// The results committed for a task so far.
    public func taskResults(sessionID: UInt256, taskID: UInt256) async throws(ContractError) -> [TaskResult] {
        try TaskResult.pairs(try await contract.call(Self.getTaskResults, [.uint(sessionID), .uint(taskID)]))
    }

    /// The task's status code (see `CortensorTask.status`).
    public func taskStatus(sessionID: UInt256, taskID: UInt256) async throws(ContractError) -> UInt8 {
        try await contract.callSingle(Self.getTaskStatus, [.uint(sessionID), .uint(taskID)]).asUInt8("status")
    }

    /// How many tasks session `sessionID` has had.
    public func taskCount(sessionID: UInt256) async throws(ContractError) -> UInt256 {
        try await contract.callSingle(Self.getTaskCount, [.uint(sessionID)]).asUInt("task count")
    }

    /// The function with canonical signature `signature` in the embedded ABI.
    private static func function(_ signature: String) -> ContractFunction {
        guard let function = abi.function(signature: signature) else {
            preconditionFailure("SessionQueueV2.json lacks \(signature)")
        }
        return function
    }
}

/// A task as `SessionQueueV2.getTask` returns it.
public struct CortensorTask: Sendable, Hashable {
    /// The task id within its session.
    public var id: UInt256
    /// The network-wide task id.
    public var globalID: UInt256
    /// The session.
    public var sessionID: UInt256
    /// The submitted task data (request text or CID).
    public var data: String
    /// The miners the task is assigned to.
    public var assignedMiners: [Address]
    /// Whether the task is closed.
    public var ended: Bool
    /// The status code: clients read 0 queued, 1 assigned, 2-4 in progress to committed (4 done); the test
    /// contracts use 0 queued, 1 assigned, 2 acked, 3 precommitted, 4 committed, 5 ended.
    public var status: UInt8
    /// Creation time, Unix seconds.
    public var createdAt: UInt256
    /// Time of the last precommit, 0 if none.
    public var lastPrecommitAt: UInt256
    /// Time of the last commit, 0 if none.
    public var lastCommitAt: UInt256
    /// Time the task ended, 0 while open.
    public var finishedAt: UInt256

    /// Reads the 11-field tuple `getTask` returns.
    init(tuple value: ABIValue) throws(ContractError) {
        let fields = try value.asTuple("task", count: 11)
        (id, globalID, sessionID) = (
            try fields[0].asUInt("id"), try fields[1].asUInt("gid"), try fields[2].asUInt("sessionId")
        )
        data = try fields[3].asString("data")
        assignedMiners = try fields[4].asAddresses("assignedMiners")
        (ended, status) = (try fields[5].asBool("ended"), try fields[6].asUInt8("status"))
        (createdAt, lastPrecommitAt) = (try fields[7].asUInt("createdAt"), try fields[8].asUInt("lastPrecommitAt"))
        (lastCommitAt, finishedAt) = (try fields[9].asUInt("lastCommitAt"), try fields[10].asUInt("finishedAt"))
    }
}
