/// A session as `SessionV2.getSession` returns it.
public struct CortensorSession: Sendable, Hashable {
    /// The session id.
    public var id: UInt256
    /// The session's 32-byte sid.
    public var sid: [UInt8]
    /// The name given at creation.
    public var name: String
    /// Free-form metadata given at creation.
    public var metadata: String
    /// The state code (the real contract's values are not documented).
    public var state: UInt8
    /// Creation time, Unix seconds.
    public var createdAt: UInt256
    /// Last update time, Unix seconds.
    public var updatedAt: UInt256
    /// The session's owner.
    public var owner: Address
    /// Miners from the node pool serving the session now.
    public var ephemeralNodes: [Address]
    /// Miners dedicated to the session.
    public var dedicatedNodes: [Address]
    /// 0 ephemeral, 1 hybrid, 2 dedicated.
    public var mode: UInt256
    /// Miners per task.
    public var redundant: UInt256
    /// Fewest miners the session asks for.
    public var minNumOfNodes: UInt256
    /// Most miners the session asks for.
    public var maxNumOfNodes: UInt256
    /// Validator nodes per task.
    public var numOfValidatorNodes: UInt256
    /// The routers registered on the session, in registration order.
    public var routers: [SessionRouter]
    /// 0 low, 1 medium, 2 high.
    public var sla: UInt256
    /// The model the session serves.
    public var modelIdentifier: UInt256
    /// How long ephemeral nodes stay reserved, seconds.
    public var reservePeriod: UInt256
    /// Most tasks the session runs.
    public var maxTaskExecutionCount: UInt256

    /// The miners of the session: dedicated ones first, then ephemeral ones, without repeats.
    public var miners: [Address] {
        var seen = Set<Address>()
        return (dedicatedNodes + ephemeralNodes).filter { seen.insert($0).inserted }
    }

    /// Reads the 21-field tuple `getSession` returns.
    init(tuple value: ABIValue) throws(ContractError) {
        let fields = try value.asTuple("session", count: 21)
        (id, sid) = (try fields[0].asUInt("id"), try fields[1].asWord("sid"))
        (name, metadata) = (try fields[2].asString("name"), try fields[3].asString("metadata"))
        state = try fields[4].asUInt8("state")
        (createdAt, updatedAt) = (try fields[5].asUInt("createdAt"), try fields[6].asUInt("updatedAt"))
        owner = try fields[7].asAddress("owner")
        ephemeralNodes = try fields[8].asAddresses("ephemeralNodes")
        dedicatedNodes = try fields[9].asAddresses("dedicatedNodes")
        (mode, redundant) = (try fields[10].asUInt("mode"), try fields[11].asUInt("redundant"))
        minNumOfNodes = try fields[12].asUInt("minNumOfNodes")
        maxNumOfNodes = try fields[13].asUInt("maxNumOfNodes")
        numOfValidatorNodes = try fields[14].asUInt("numOfValidatorNodes")
        let metadatas = try fields[15].asStrings("routerMetadatas")
        let addresses = try fields[16].asAddresses("routerAddresses")
        guard metadatas.count == addresses.count else { throw .unexpectedValue(what: "routerMetadatas") }
        routers = zip(addresses, metadatas).map { SessionRouter(address: $0, metadata: $1) }
        (sla, modelIdentifier) = (try fields[17].asUInt("sla"), try fields[18].asUInt("modelIdentifier"))
        reservePeriod = try fields[19].asUInt("reservePeriod")
        maxTaskExecutionCount = try fields[20].asUInt("maxTaskExecutionCount")
    }
}

/// A router registered on a session.
public struct SessionRouter: Sendable, Hashable {
    /// The router's account.
    public var address: Address
    /// What the router published: its endpoints (see `RouterMetadata`).
    public var metadata: String

    /// A router entry.
    public init(address: Address, metadata: String) {
        (self.address, self.metadata) = (address, metadata)
    }
}

/// The metadata string a router publishes with `addRouter`/`updateRouter`: its public REST endpoint and, in the
/// dual format, its WebSocket endpoint after a `;` (format inferred from the official router's release notes).
public struct RouterMetadata: Sendable, Hashable {
    /// The public REST base URL.
    public var rest: String
    /// The miner-facing WebSocket URL, if published.
    public var webSocket: String?

    /// Metadata with these endpoints.
    public init(rest: String, webSocket: String? = nil) {
        (self.rest, self.webSocket) = (rest, webSocket)
    }

    /// Reads `rest` or `rest;ws`.
    public init(parsing text: String) {
        let parts = text.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false)
        rest = String(parts[0])
        webSocket = parts.count > 1 && !parts[1].isEmpty ? String(parts[1]) : nil
    }

    /// The published string.
    public var encoded: String { webSocket.map { rest + ";" + $0 } ?? rest }
}

/// One miner's committed result of a task.
public struct TaskResult: Sendable, Hashable {
    /// The miner.
    public var miner: Address
    /// What it committed: the result text or a CID/URN of it.
    public var result: String

    /// A result entry.
    public init(miner: Address, result: String) {
        (self.miner, self.result) = (miner, result)
    }

    /// Pairs the `(address[] miners, string[] results)` that `getTaskResults` returns.
    static func pairs(_ values: [ABIValue]) throws(ContractError) -> [TaskResult] {
        guard values.count == 2 else { throw .unexpectedValue(what: "task results") }
        let miners = try values[0].asAddresses("miners")
        let results = try values[1].asStrings("results")
        guard miners.count == results.count else { throw .unexpectedValue(what: "task results") }
        return zip(miners, results).map { TaskResult(miner: $0, result: $1) }
    }
}

/// The arguments of `SessionV2.submit`. With `requestParams` the newer 8-argument form is sent, without it the
/// older 7-argument one.
public struct TaskSubmission: Sendable, Hashable {
    /// The session.
    public var sessionID: UInt256
    /// 0 ephemeral, 1 hybrid, 2 dedicated.
    public var nodeType: UInt256
    /// The task: the request text or, preferably, its CID.
    public var taskData: String
    /// 0 default, 1 raw, 2 system template and input.
    public var promptType: UInt256
    /// The prompt template (for prompt type 2).
    public var promptTemplate: String
    /// `[maxTokens, temperature×100, topP×100, topK, repeatPenalty×100, presencePenalty, frequencyPenalty]`.
    public var llmParams: [UInt256]
    /// Request parameters of the newer form (e.g. `[precommitTimeout, 0, 0, 0, 0, 0]`); `nil` for the older form.
    public var requestParams: [UInt256]?
    /// The caller's reference, echoed in `TaskSubmitted`.
    public var clientReference: String

    /// A submission with these arguments.
    public init(
        sessionID: UInt256, nodeType: UInt256 = 0, taskData: String, promptType: UInt256 = 1,
        promptTemplate: String = "", llmParams: [UInt256], requestParams: [UInt256]? = nil, clientReference: String
    ) {
        (self.sessionID, self.nodeType, self.taskData, self.promptType) = (sessionID, nodeType, taskData, promptType)
        (self.promptTemplate, self.llmParams, self.requestParams) = (promptTemplate, llmParams, requestParams)
        self.clientReference = clientReference
    }

    /// The call's arguments, in the order of the form it uses.
    var arguments: [ABIValue] {
        let head: [ABIValue] = [
            .uint(sessionID), .uint(nodeType), .string(taskData), .uint(promptType), .string(promptTemplate),
            .array(llmParams.map(ABIValue.uint)),
        ]
        let request: [ABIValue] = requestParams.map { [.array($0.map(ABIValue.uint))] } ?? []
        return head + request + [.string(clientReference)]
    }
}
