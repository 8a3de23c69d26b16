/// Cortensor's `SessionV2` contract: sessions, task submission and router registration (the subset a router uses;
/// ABI in `Cortensor/ABI/SessionV2.json`).
public struct SessionV2: Sendable {
    /// The ABI fragment the binding uses.
    public static let abi = ContractABI.embedded("SessionV2")
    /// `submit(uint256,uint256,string,uint256,string,uint256[],string)`, the older form.
    public static let submit7 = function("submit(uint256,uint256,string,uint256,string,uint256[],string)")
    /// `submit(uint256,uint256,string,uint256,string,uint256[],uint256[],string)`, the newer form.
    public static let submit8 = function("submit(uint256,uint256,string,uint256,string,uint256[],uint256[],string)")
    /// `addRouter(uint256,address,string)`.
    public static let addRouter = function("addRouter(uint256,address,string)")
    /// `updateRouter(uint256,address,string)`.
    public static let updateRouter = function("updateRouter(uint256,address,string)")
    /// `getSession(uint256)`.
    public static let getSession = function("getSession(uint256)")
    /// `getTaskResults(uint256,uint256)`.
    public static let getTaskResults = function("getTaskResults(uint256,uint256)")
    /// `getSessionQueueAddress()`.
    public static let getSessionQueueAddress = function("getSessionQueueAddress()")
    /// `getNodePoolAddress()`.
    public static let getNodePoolAddress = function("getNodePoolAddress()")
    /// `getNodeId(address)`.
    public static let getNodeId = function("getNodeId(address)")

    /// The deployed contract.
    public let contract: ContractCaller

    /// The contract at `address` on the chain of `client`.
    public init(address: Address, client: JSONRPCClient) {
        contract = ContractCaller(address: address, client: client)
    }

    /// The session `id`.
    public func session(_ id: UInt256, at block: BlockTag = .latest) async throws(ContractError) -> CortensorSession {
        try CortensorSession(tuple: try await contract.callSingle(Self.getSession, [.uint(id)], at: block))
    }

    /// The miners of session `id` (dedicated, then ephemeral): where its tasks go.
    public func miners(ofSession id: UInt256) async throws(ContractError) -> [Address] {
        try await session(id).miners
    }

    /// The committed results of a task, read through the session contract.
    public func taskResults(sessionID: UInt256, taskID: UInt256) async throws(ContractError) -> [TaskResult] {
        try TaskResult.pairs(try await contract.call(Self.getTaskResults, [.uint(sessionID), .uint(taskID)]))
    }

    /// The address of the session's queue contract.
    public func sessionQueueAddress() async throws(ContractError) -> Address {
        try await contract.callSingle(Self.getSessionQueueAddress, []).asAddress("queue address")
    }

    /// The address of the node pool contract (miner registry).
    public func nodePoolAddress() async throws(ContractError) -> Address {
        try await contract.callSingle(Self.getNodePoolAddress, []).asAddress("node pool address")
    }

    /// The node id the contracts use for `miner` (as in `TaskAssigned`'s `nodeIds`).
    public func nodeID(of miner: Address) async throws(ContractError) -> [UInt8] {
        try await contract.callSingle(Self.getNodeId, [.address(miner)]).asWord("node id")
    }

    /// Calldata of `submit` in the form `submission` asks for.
    public static func submitCalldata(_ submission: TaskSubmission) throws(ABIError) -> [UInt8] {
        let function = submission.requestParams == nil ? submit7 : submit8
        return try function.function.encodeCall(submission.arguments)
    }

    /// Submits a task and returns its id from the `TaskSubmitted` log of the receipt.
    public func submit(
        _ submission: TaskSubmission, via sender: some TransactionSending
    ) async throws(ContractError) -> (taskID: UInt256, receipt: ContractReceipt) {
        let function = submission.requestParams == nil ? Self.submit7 : Self.submit8
        let receipt = try await sender.transact(function, submission.arguments, on: contract)
        for log in receipt.logs where log.address == contract.address {
            if case .taskSubmitted(let sessionID, let taskID, _, _)? = try Self.event(log),
                sessionID == submission.sessionID
            {
                return (taskID, receipt)
            }
        }
        throw .eventMissing(event: "TaskSubmitted", hash: receipt.transactionHash)
    }

    /// Registers `router` with `metadata` on session `sessionID` (`addRouter`), or replaces its metadata
    /// (`updateRouter`) when `update` is set.
    public func publishRouter(
        sessionID: UInt256, router: Address, metadata: RouterMetadata, update: Bool = false,
        via sender: some TransactionSending
    ) async throws(ContractError) -> ContractReceipt {
        let arguments: [ABIValue] = [.uint(sessionID), .address(router), .string(metadata.encoded)]
        return try await sender.transact(update ? Self.updateRouter : Self.addRouter, arguments, on: contract)
    }

    /// The function with canonical signature `signature` in the embedded ABI.
    private static func function(_ signature: String) -> ContractFunction {
        guard let function = abi.function(signature: signature) else {
            preconditionFailure("SessionV2.json lacks \(signature)")
        }
        return function
    }
}
