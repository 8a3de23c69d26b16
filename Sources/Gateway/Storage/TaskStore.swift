import Hashing
public import SQLite
import System

/// Records every completion as a task with a per-session sequence number. Calls block briefly on SQLite; they are
/// safe from any thread or task.
public struct TaskStore: Sendable {
    /// Longest stored failure reason, in characters; longer reasons are cut.
    public static let maxErrorLength = 1024

    let database: Database

    /// A store over an already migrated database (see `EdgeStore`).
    public init(database: Database) {
        self.database = database
    }

    /// The value to pass as `promptHash`: lowercase hex SHA-256 of the prompt bytes.
    public static func promptHash(of prompt: some Sequence<UInt8>) -> String {
        SHA256.hash(prompt).hexString
    }

    /// Records a new task with the session's next task id (allocated atomically); it starts `assigned` when
    /// `assignedMiners` is non-empty, otherwise `queued`.
    public func createTask(
        sessionID: Int, assignedMiners: [String], promptHash: String, clientReference: String?, now: Int64
    ) throws -> TaskRecord {
        try Self.verifyPromptHash(promptHash)
        return try database.write { connection in
            try Self.applyCreate(
                sessionID: sessionID, assignedMiners: assignedMiners, promptHash: promptHash,
                clientReference: clientReference, now: now, connection)
        }
    }

    /// `createTask` inside the caller's write transaction (the prompt hash must be verified already); `explicitID`
    /// records a task whose id was given elsewhere (an on-chain task) instead of the session's next one.
    static func applyCreate(
        sessionID: Int, assignedMiners: [String], promptHash: String, clientReference: String?, now: Int64,
        requestCID: String? = nil, explicitID: Int? = nil, _ connection: Connection
    ) throws -> TaskRecord {
        let taskID = try explicitID ?? nextTaskID(sessionID: sessionID, connection)
        let record = TaskRecord(
            sessionID: sessionID, taskID: taskID, createdAt: now, finishedAt: nil,
            status: assignedMiners.isEmpty ? .queued : .assigned, assignedMiners: assignedMiners, resultData: [],
            resultMiners: [], promptHash: promptHash, clientReference: clientReference, error: nil,
            requestCID: requestCID)
        try insert(record, connection)
        return record
    }

    /// A task that is done as it is created, with the session's next task id, inside the caller's write
    /// transaction: one row written as it ends up (the prompt hash and result counts must be verified already).
    static func applyCreateCompleted(
        sessionID: Int, assignedMiners: [String], resultData: [String], resultMiners: [String], promptHash: String,
        clientReference: String?, createdAt: Int64, now: Int64, requestCID: String?, resultCID: String?,
        _ connection: Connection
    ) throws -> TaskRecord {
        let record = TaskRecord(
            sessionID: sessionID, taskID: try nextTaskID(sessionID: sessionID, connection), createdAt: createdAt,
            finishedAt: now, status: .done, assignedMiners: assignedMiners, resultData: resultData,
            resultMiners: resultMiners, promptHash: promptHash, clientReference: clientReference, error: nil,
            requestCID: requestCID, resultCID: resultCID)
        try insert(record, connection)
        return record
    }

    /// Marks a queued or assigned task as sent to `miners`, replacing any earlier assignment.
    @discardableResult
    public func markAssigned(sessionID: Int, taskID: Int, miners: [String]) throws -> TaskRecord {
        try database.write { connection in
            try Self.applyAssignment(sessionID: sessionID, taskID: taskID, miners: miners, connection)
            return try Self.fetch(sessionID: sessionID, taskID: taskID, connection)
        }
    }

    /// Finishes a task as `done` with `resultData[i]` produced by `resultMiners[i]`.
    @discardableResult
    public func complete(
        sessionID: Int, taskID: Int, resultData: [String], resultMiners: [String], now: Int64
    ) throws -> TaskRecord {
        try Self.verifyResultCounts(resultData: resultData, resultMiners: resultMiners)
        return try database.write { connection in
            try Self.applyCompletion(
                sessionID: sessionID, taskID: taskID, resultData: resultData, resultMiners: resultMiners, now: now,
                connection)
            return try Self.fetch(sessionID: sessionID, taskID: taskID, connection)
        }
    }

    /// Finishes a task as `failed` with `reason` (which must not contain prompt or completion text).
    @discardableResult
    public func fail(sessionID: Int, taskID: Int, reason: String, now: Int64) throws -> TaskRecord {
        try database.write { connection in
            try Self.applyFailure(sessionID: sessionID, taskID: taskID, reason: reason, now: now, connection)
            return try Self.fetch(sessionID: sessionID, taskID: taskID, connection)
        }
    }

    /// `markAssigned` inside the caller's write transaction, without reading the record back.
    static func applyAssignment(sessionID: Int, taskID: Int, miners: [String], _ connection: Connection) throws {
        try updateUnfinished(
            sessionID: sessionID, taskID: taskID, TaskStatements.assign, [SQLiteValue(TaskStatus.assigned.rawValue)],
            connection)
        try connection.execute(TaskStatements.deleteAssignments, [SQLiteValue(sessionID), SQLiteValue(taskID)])
        try insertAssignments(miners, sessionID: sessionID, taskID: taskID, connection)
    }

    /// `complete` inside the caller's write transaction (counts verified already), without reading it back.
    static func applyCompletion(
        sessionID: Int, taskID: Int, resultData: [String], resultMiners: [String], now: Int64,
        resultCID: String? = nil, _ connection: Connection
    ) throws {
        try updateUnfinished(
            sessionID: sessionID, taskID: taskID, TaskStatements.complete,
            [SQLiteValue(TaskStatus.done.rawValue), .integer(now), SQLiteValue(resultCID)], connection)
        try insertResults(resultData, miners: resultMiners, sessionID: sessionID, taskID: taskID, connection)
    }

    /// `fail` inside the caller's write transaction, without reading the record back.
    static func applyFailure(sessionID: Int, taskID: Int, reason: String, now: Int64, _ connection: Connection) throws {
        try updateUnfinished(
            sessionID: sessionID, taskID: taskID, TaskStatements.fail,
            [
                SQLiteValue(TaskStatus.failed.rawValue), .integer(now), .text(String(reason.prefix(maxErrorLength))),
            ], connection)
    }

    static func verifyResultCounts(resultData: [String], resultMiners: [String]) throws(TaskStoreError) {
        guard resultData.count == resultMiners.count else {
            throw TaskStoreError.resultCountMismatch(resultCount: resultData.count, minerCount: resultMiners.count)
        }
    }

    /// The task, or `nil` when the session has no such task.
    public func task(sessionID: Int, taskID: Int) throws -> TaskRecord? {
        try database.read { connection in
            try Self.records(sessionID: sessionID, "AND task_id = ?", [SQLiteValue(taskID)], connection).first
        }
    }

    /// A page of the session's tasks, newest (highest task id) first; negative `limit` or `offset` count as 0.
    public func tasks(sessionID: Int, limit: Int, offset: Int = 0) throws -> [TaskRecord] {
        let page = [SQLiteValue(max(0, limit)), SQLiteValue(max(0, offset))]
        return try database.read { connection in
            try Self.records(sessionID: sessionID, "ORDER BY task_id DESC LIMIT ? OFFSET ?", page, connection)
        }
    }

    /// How many tasks the session has.
    public func count(sessionID: Int) throws -> Int {
        try database.read { connection in
            let row = try connection.queryFirst(
                "SELECT COUNT(*) AS n FROM tasks WHERE session_id = ?", [SQLiteValue(sessionID)])
            return Int(row?.int("n") ?? 0)
        }
    }

    static func verifyPromptHash(_ hash: String) throws(TaskStoreError) {
        let isLowercaseHex = hash.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
        guard hash.utf8.count == 2 * SHA256.digestLength, isLowercaseHex else {
            throw TaskStoreError.invalidPromptHash(length: hash.utf8.count)
        }
    }

    private static func fetch(sessionID: Int, taskID: Int, _ connection: Connection) throws -> TaskRecord {
        let found = try records(sessionID: sessionID, "AND task_id = ?", [SQLiteValue(taskID)], connection)
        guard let record = found.first else { throw TaskStoreError.taskNotFound(sessionID: sessionID, taskID: taskID) }
        return record
    }
}
