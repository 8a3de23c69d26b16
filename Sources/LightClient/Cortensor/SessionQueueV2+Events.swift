/// An event of `SessionQueueV2`: a task's way from the queue to its results.
public enum QueueEvent: Sendable, Hashable {
    /// What happened to the task.
    public enum Step: String, Sendable, Hashable {
        /// `TaskAssigned(uint256,uint256,address[] miners)`.
        case assigned = "TaskAssigned"
        /// `TaskAcked(uint256,uint256,address miner)`.
        case acked = "TaskAcked"
        /// `TaskPrecommitted(uint256,uint256,address miner)`.
        case precommitted = "TaskPrecommitted"
        /// `TaskAllPrecommitted(uint256,uint256,address[] miners)`.
        case allPrecommitted = "TaskAllPrecommitted"
        /// `TaskPrecommitEnded(uint256,uint256)`.
        case precommitEnded = "TaskPrecommitEnded"
        /// `TaskCommitted(uint256,uint256,address miner)`.
        case committed = "TaskCommitted"
        /// `TaskAllCommitted(uint256,uint256,address[] miners)`.
        case allCommitted = "TaskAllCommitted"
        /// `TaskCommitEnded(uint256,uint256)`.
        case commitEnded = "TaskCommitEnded"
        /// `TaskEnded(uint256,uint256,address[] miners)`.
        case ended = "TaskEnded"
    }

    /// `TaskQueued(uint256 sessionId, uint256 taskId, uint256 globalId, string taskData)`.
    case queued(sessionID: UInt256, taskID: UInt256, globalID: UInt256, taskData: String)
    /// Any other `Task*` event: the step and the miners it names (one for per-miner steps, none for the `…Ended`
    /// steps of a phase).
    case task(Step, sessionID: UInt256, taskID: UInt256, miners: [Address])
}

extension SessionQueueV2 {
    /// The event `log` holds, `nil` for a log of an event outside the binding's ABI. The caller checks that the log
    /// comes from the contract.
    public static func event(_ log: ContractLog) throws(ContractError) -> QueueEvent? {
        guard let (name, values) = try abi.decodeEvent(log) else { return nil }
        let sessionID = try values[0].asUInt("sessionId")
        let taskID = try values[1].asUInt("taskId")
        if name == "TaskQueued" {
            return .queued(
                sessionID: sessionID, taskID: taskID, globalID: try values[2].asUInt("globalId"),
                taskData: try values[3].asString("taskData"))
        }
        guard let step = QueueEvent.Step(rawValue: name) else { return nil }
        let miners: [Address]
        switch values.count > 2 ? values[2] : nil {
        case .address(let miner)?: miners = [miner]
        case let list?: miners = try list.asAddresses("miners")
        case nil: miners = []
        }
        return .task(step, sessionID: sessionID, taskID: taskID, miners: miners)
    }
}
