/// Why the edge state store could not be opened.
public enum EdgeStoreError: Error, Sendable, Hashable {
    /// `mkdir` (or `stat`) failed for `path` with `errno`.
    case cannotCreateDirectory(path: String, errno: Int32)
    /// The state directory path exists but is not a directory.
    case notADirectory(path: String)
}

/// Why a task-store operation was refused.
public enum TaskStoreError: Error, Sendable, Hashable {
    /// No task `taskID` exists in session `sessionID`.
    case taskNotFound(sessionID: Int, taskID: Int)
    /// The task already reached a final status (`done` or `failed`) and cannot change again.
    case taskAlreadyFinished(sessionID: Int, taskID: Int, status: TaskStatus)
    /// The prompt hash is not 64 lowercase hex characters (a SHA-256); `length` is what was given.
    case invalidPromptHash(length: Int)
    /// `complete` needs one miner per result; the counts differ.
    case resultCountMismatch(resultCount: Int, minerCount: Int)
    /// A stored row holds a value this code cannot read (e.g. an unknown status number).
    case corruptRecord(sessionID: Int, taskID: Int, column: String)
}

/// Why an API-key operation was refused.
public enum APIKeyStoreError: Error, Sendable, Hashable {
    /// Key names must be 1...64 characters without control characters.
    case invalidName(length: Int)
    /// No unused public prefix was found after several random draws (the key table is implausibly full).
    case prefixSpaceExhausted(attempts: Int)
}
