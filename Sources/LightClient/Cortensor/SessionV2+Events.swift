/// An event of `SessionV2` a router follows.
public enum SessionEvent: Sendable, Hashable {
    /// `SessionCreated(uint256 sessionId, bytes32 sid, address owner, address[] miners)`.
    case sessionCreated(sessionID: UInt256, sid: [UInt8], owner: Address, miners: [Address])
    /// `TaskSubmitted(uint256 sessionId, uint256 taskId, string taskData, string clientReference)`.
    case taskSubmitted(sessionID: UInt256, taskID: UInt256, taskData: String, clientReference: String)
    /// `TaskAssigned(uint256 sessionId, uint256 taskId, bytes32[] nodeIds)`.
    case taskAssigned(sessionID: UInt256, taskID: UInt256, nodeIDs: [[UInt8]])
    /// `NewNodeAssignedToSession(uint256 indexed sessionId, address[] nodeAddresses, uint256 newNodeCount,
    /// uint256 assignmentType)`.
    case nodesAssigned(sessionID: UInt256, nodes: [Address], newNodeCount: UInt256, assignmentType: UInt256)
    /// `RouterAdded(address, string)`.
    case routerAdded(router: Address, metadata: String)
    /// `RouterUpdated(address, string)`.
    case routerUpdated(router: Address, metadata: String)
}

extension SessionV2 {
    /// The event `log` holds, `nil` for a log of an event outside the binding's ABI. The caller checks that the log
    /// comes from the contract.
    public static func event(_ log: ContractLog) throws(ContractError) -> SessionEvent? {
        guard let (name, values) = try abi.decodeEvent(log) else { return nil }
        return try sessionEvent(name, values)
    }

    private static func sessionEvent(_ name: String, _ values: [ABIValue]) throws(ContractError) -> SessionEvent? {
        switch name {
        case "SessionCreated":
            return .sessionCreated(
                sessionID: try values[0].asUInt("sessionId"), sid: try values[1].asWord("sid"),
                owner: try values[2].asAddress("owner"), miners: try values[3].asAddresses("miners"))
        case "TaskSubmitted":
            return .taskSubmitted(
                sessionID: try values[0].asUInt("sessionId"), taskID: try values[1].asUInt("taskId"),
                taskData: try values[2].asString("taskData"), clientReference: try values[3].asString("clientReference")
            )
        case "TaskAssigned":
            let nodeIDs = try values[2].asArray("nodeIds").map { (id) throws(ContractError) in try id.asWord("nodeId") }
            return .taskAssigned(
                sessionID: try values[0].asUInt("sessionId"), taskID: try values[1].asUInt("taskId"), nodeIDs: nodeIDs)
        case "NewNodeAssignedToSession":
            return .nodesAssigned(
                sessionID: try values[0].asUInt("sessionId"), nodes: try values[1].asAddresses("nodeAddresses"),
                newNodeCount: try values[2].asUInt("newNodeCount"),
                assignmentType: try values[3].asUInt("assignmentType"))
        case "RouterAdded":
            return .routerAdded(router: try values[0].asAddress("router"), metadata: try values[1].asString("metadata"))
        case "RouterUpdated":
            return .routerUpdated(
                router: try values[0].asAddress("router"), metadata: try values[1].asString("metadata"))
        default:
            return nil
        }
    }
}
