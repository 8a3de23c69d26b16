import SQLite

extension TaskStore {
    /// Loads the session's tasks selected by `clause` (SQL that follows `WHERE session_id = ?`, e.g.
    /// `AND task_id = ?` or `ORDER BY … LIMIT ?`) with their assignments and results, in the clause's order.
    static func records(
        sessionID: Int, _ clause: String, _ bindings: [SQLiteValue], _ connection: Connection
    ) throws -> [TaskRecord] {
        let taskRows = try connection.query(
            """
            SELECT task_id, created_at, finished_at, status, prompt_hash, client_reference, error, request_cid, result_cid
            FROM tasks WHERE session_id = ? \(clause)
            """,
            [SQLiteValue(sessionID)] + bindings)
        let taskIDs = try taskRows.map { row in
            guard let id = row.int("task_id") else {
                throw TaskStoreError.corruptRecord(sessionID: sessionID, taskID: -1, column: "task_id")
            }
            return Int(id)
        }
        guard let lowest = taskIDs.min(), let highest = taskIDs.max() else { return [] }
        let range = [SQLiteValue(sessionID), SQLiteValue(lowest), SQLiteValue(highest)]
        let assignments = try connection.query(
            """
            SELECT task_id, miner FROM task_assignments
            WHERE session_id = ? AND task_id BETWEEN ? AND ? ORDER BY task_id, idx
            """, range)
        let results = try connection.query(
            """
            SELECT task_id, miner, data FROM task_results
            WHERE session_id = ? AND task_id BETWEEN ? AND ? ORDER BY task_id, idx
            """, range)
        let minersByTask = Dictionary(grouping: assignments) { Int($0.int("task_id") ?? -1) }
        let resultsByTask = Dictionary(grouping: results) { Int($0.int("task_id") ?? -1) }
        return try zip(taskRows, taskIDs).map { row, taskID in
            let results = resultsByTask[taskID] ?? []
            return try record(
                row, sessionID: sessionID, taskID: taskID,
                assignedMiners: (minersByTask[taskID] ?? []).map { $0.text("miner") ?? "" },
                resultData: results.map { $0.text("data") ?? "" },
                resultMiners: results.map { $0.text("miner") ?? "" })
        }
    }

    private static func record(
        _ row: Row, sessionID: Int, taskID: Int, assignedMiners: [String], resultData: [String],
        resultMiners: [String]
    ) throws -> TaskRecord {
        guard let rawStatus = row.int("status"), let status = TaskStatus(rawValue: Int(rawStatus)) else {
            throw TaskStoreError.corruptRecord(sessionID: sessionID, taskID: taskID, column: "status")
        }
        guard let createdAt = row.int("created_at") else {
            throw TaskStoreError.corruptRecord(sessionID: sessionID, taskID: taskID, column: "created_at")
        }
        guard let promptHash = row.text("prompt_hash") else {
            throw TaskStoreError.corruptRecord(sessionID: sessionID, taskID: taskID, column: "prompt_hash")
        }
        return TaskRecord(
            sessionID: sessionID, taskID: taskID, createdAt: createdAt, finishedAt: row.int("finished_at"),
            status: status, assignedMiners: assignedMiners, resultData: resultData, resultMiners: resultMiners,
            promptHash: promptHash, clientReference: row.text("client_reference"), error: row.text("error"),
            requestCID: row.text("request_cid"), resultCID: row.text("result_cid"))
    }
}
