/// Where a task is in its life: queued, handed to miners, or finished one way or the other.
public enum TaskStatus: Int, Sendable, Hashable, CaseIterable {
    /// Recorded, no miner chosen yet.
    case queued = 0
    /// Sent to the miners in `assignedMiners`.
    case assigned = 1
    /// Finished with results.
    case done = 4
    /// Finished with an error.
    case failed = 5

    /// Whether the status is final (`done` or `failed`).
    public var isFinished: Bool { self == .done || self == .failed }
}

/// One completion request as recorded in the task store. Holds the prompt's hash, never the prompt.
public struct TaskRecord: Sendable, Hashable {
    /// The session the task belongs to.
    public let sessionID: Int
    /// Per-session sequence number, starting at 0.
    public let taskID: Int
    /// Creation time, Unix seconds.
    public let createdAt: Int64
    /// Time it reached `done` or `failed`, Unix seconds.
    public let finishedAt: Int64?
    /// Current status.
    public let status: TaskStatus
    /// Miner ids the task was sent to, in order.
    public let assignedMiners: [String]
    /// Result payloads (caller-encoded, e.g. JSON text), parallel to `resultMiners`.
    public let resultData: [String]
    /// The miner that produced each entry of `resultData`.
    public let resultMiners: [String]
    /// Lowercase hex SHA-256 of the prompt.
    public let promptHash: String
    /// An opaque reference the client supplied, if any.
    public let clientReference: String?
    /// Why the task failed (no prompt or completion text), when `status == .failed`.
    public let error: String?
    /// CID of the request's block in the block store, when it was stored.
    public let requestCID: String?
    /// CID of the results' block, once the task is done.
    public let resultCID: String?

    /// Creates a record (the store builds these; public for tests and callers that mirror tasks).
    public init(
        sessionID: Int, taskID: Int, createdAt: Int64, finishedAt: Int64?, status: TaskStatus,
        assignedMiners: [String], resultData: [String], resultMiners: [String], promptHash: String,
        clientReference: String?, error: String?, requestCID: String? = nil, resultCID: String? = nil
    ) {
        self.sessionID = sessionID
        self.taskID = taskID
        self.createdAt = createdAt
        self.finishedAt = finishedAt
        self.status = status
        self.assignedMiners = assignedMiners
        self.resultData = resultData
        self.resultMiners = resultMiners
        self.promptHash = promptHash
        self.clientReference = clientReference
        self.error = error
        self.requestCID = requestCID
        self.resultCID = resultCID
    }
}
