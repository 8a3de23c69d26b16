import SQLite

/// The statements of the task writes, each prepared once per connection (they run for every completion).
enum TaskStatements {
    /// Where a task is still open: `(status = 0 OR status = 1)`, comparisons rather than an IN list.
    static let isUnfinished =
        "(" + TaskStatus.allCases.filter { !$0.isFinished }.map { "status = \($0.rawValue)" }.joined(separator: " OR ")
        + ")"

    static let nextTaskID = SQL("SELECT COALESCE(MAX(task_id) + 1, 0) AS next FROM tasks WHERE session_id = ?")
    static let insertTask = SQL(
        """
        INSERT INTO tasks (
            session_id, task_id, created_at, finished_at, status, prompt_hash, client_reference, error, request_cid,
            result_cid)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """)
    static let insertAssignment = SQL(
        "INSERT INTO task_assignments (session_id, task_id, idx, miner) VALUES (?, ?, ?, ?)")
    static let insertResult = SQL(
        "INSERT INTO task_results (session_id, task_id, idx, miner, data) VALUES (?, ?, ?, ?, ?)")
    static let deleteAssignments = SQL("DELETE FROM task_assignments WHERE session_id = ? AND task_id = ?")
    static let status = SQL("SELECT status FROM tasks WHERE session_id = ? AND task_id = ?")
    static let assign = unfinishedUpdate("status = ?")
    static let complete = unfinishedUpdate("status = ?, finished_at = ?, error = NULL, result_cid = ?")
    static let fail = unfinishedUpdate("status = ?, finished_at = ?, error = ?")

    /// An UPDATE of an open task: `assignments`' parameters first, then the session and task ids.
    private static func unfinishedUpdate(_ assignments: String) -> SQL {
        SQL("UPDATE tasks SET \(assignments) WHERE session_id = ? AND task_id = ? AND \(isUnfinished)")
    }
}

extension TaskStore {
    /// The session's next task id: one past its highest, 0 for its first task.
    static func nextTaskID(sessionID: Int, _ connection: Connection) throws -> Int {
        Int(try connection.queryFirst(TaskStatements.nextTaskID, [SQLiteValue(sessionID)])?.int("next") ?? 0)
    }

    /// Inserts `record`'s row, its assignments and its results.
    static func insert(_ record: TaskRecord, _ connection: Connection) throws {
        try connection.execute(
            TaskStatements.insertTask,
            [
                SQLiteValue(record.sessionID), SQLiteValue(record.taskID), .integer(record.createdAt),
                SQLiteValue(record.finishedAt), SQLiteValue(record.status.rawValue), .text(record.promptHash),
                SQLiteValue(record.clientReference), SQLiteValue(record.error), SQLiteValue(record.requestCID),
                SQLiteValue(record.resultCID),
            ])
        try insertAssignments(record.assignedMiners, sessionID: record.sessionID, taskID: record.taskID, connection)
        try insertResults(
            record.resultData, miners: record.resultMiners, sessionID: record.sessionID, taskID: record.taskID,
            connection)
    }

    static func insertAssignments(
        _ miners: [String], sessionID: Int, taskID: Int, _ connection: Connection
    ) throws {
        for (index, miner) in miners.enumerated() {
            try connection.execute(
                TaskStatements.insertAssignment,
                [SQLiteValue(sessionID), SQLiteValue(taskID), SQLiteValue(index), .text(miner)])
        }
    }

    static func insertResults(
        _ resultData: [String], miners: [String], sessionID: Int, taskID: Int, _ connection: Connection
    ) throws {
        for (index, (data, miner)) in zip(resultData, miners).enumerated() {
            try connection.execute(
                TaskStatements.insertResult,
                [SQLiteValue(sessionID), SQLiteValue(taskID), SQLiteValue(index), .text(miner), .text(data)])
        }
    }

    /// Runs `update` (one of the `TaskStatements` UPDATEs of an open task) with `values` for its SET clause; when it
    /// changed nothing, throws why: no such task, or it is finished already.
    static func updateUnfinished(
        sessionID: Int, taskID: Int, _ update: SQL, _ values: [SQLiteValue], _ connection: Connection
    ) throws {
        try connection.execute(update, values + [SQLiteValue(sessionID), SQLiteValue(taskID)])
        guard connection.changes == 0 else { return }
        try requireUnfinished(sessionID: sessionID, taskID: taskID, connection)
        // Not reached: the task is open, so the UPDATE matched it.
        throw TaskStoreError.taskNotFound(sessionID: sessionID, taskID: taskID)
    }

    /// Throws unless the task exists and is not finished; reads only its status.
    private static func requireUnfinished(sessionID: Int, taskID: Int, _ connection: Connection) throws {
        let row = try connection.queryFirst(TaskStatements.status, [SQLiteValue(sessionID), SQLiteValue(taskID)])
        guard let row else { throw TaskStoreError.taskNotFound(sessionID: sessionID, taskID: taskID) }
        guard let rawStatus = row.int("status"), let status = TaskStatus(rawValue: Int(rawStatus)) else {
            throw TaskStoreError.corruptRecord(sessionID: sessionID, taskID: taskID, column: "status")
        }
        guard !status.isFinished else {
            throw TaskStoreError.taskAlreadyFinished(sessionID: sessionID, taskID: taskID, status: status)
        }
    }
}
