import JSON
import SQLite

/// Retention's reads and deletes on the task tables. Tasks go oldest first, per session, as a contiguous prefix of
/// its ids, so one low-water mark per session (`task_pruned`) remembers all that was pruned: a task id below it
/// reads as expired, one never issued stays not found. A session's newest task is never pruned, since the next task
/// id continues from it (`TaskStatements.nextTaskID`), which keeps the request path free of an extra statement.
extension TaskStore {
    /// One session's share of the task history.
    public struct SessionSpan: Sendable, Equatable {
        /// The session.
        public var sessionID: Int
        /// Tasks it has.
        public var count: Int
        /// Its lowest task id.
        public var oldestID: Int
        /// Its highest task id (never pruned).
        public var newestID: Int
    }

    /// What one prune step removed.
    public struct PrunedTasks: Sendable, Equatable {
        /// Tasks deleted (with their assignments and results).
        public var count: Int
        /// The CIDs of their request and result blocks, for the block store to release unless still used.
        public var blockCIDs: Set<String>
    }

    /// Every session's task count and id range: one ordered scan of the tasks table (for the background pruner,
    /// never a request).
    public func sessionSpans() throws -> [SessionSpan] {
        try database.read { connection in
            try connection.query(
                """
                SELECT session_id, count(*) AS n, min(task_id) AS lo, max(task_id) AS hi FROM tasks
                GROUP BY session_id ORDER BY session_id
                """
            ).compactMap { row in
                guard let session = row.int("session_id"), let count = row.int("n"), let low = row.int("lo"),
                    let high = row.int("hi")
                else { return nil }
                return SessionSpan(sessionID: Int(session), count: Int(count), oldestID: Int(low), newestID: Int(high))
            }
        }
    }

    /// When the session's oldest task was created (Unix seconds), or nil when it has none.
    public func oldestCreatedAt(sessionID: Int) throws -> Int64? {
        try database.read { connection in
            try connection.queryFirst(
                "SELECT created_at FROM tasks WHERE session_id = ? ORDER BY task_id LIMIT 1", [SQLiteValue(sessionID)]
            )?.int("created_at")
        }
    }

    /// Deletes up to `limit` of the session's oldest tasks in one transaction and raises its low-water mark past
    /// them. It stops before the session's newest task; before a task created at or after `createdBefore` (when
    /// given); and, unless `includingOpen` (age retention: an open task that old was abandoned), before a task
    /// still open (a request may be writing it).
    public func pruneOldest(
        sessionID: Int, limit: Int, createdBefore: Int64? = nil, includingOpen: Bool = false
    ) throws -> PrunedTasks {
        guard limit > 0 else { return PrunedTasks(count: 0, blockCIDs: []) }
        return try database.write { connection in
            let rows = try connection.query(
                PruneStatements.oldest, [SQLiteValue(sessionID), SQLiteValue(sessionID), SQLiteValue(limit)])
            var below: Int?
            var cids = Set<String>()
            for row in rows {
                guard let id = row.int("task_id"), let createdAt = row.int("created_at"),
                    let status = row.int("status").flatMap({ TaskStatus(rawValue: Int($0)) })
                else { throw TaskStoreError.corruptRecord(sessionID: sessionID, taskID: -1, column: "task_id") }
                if let createdBefore, createdAt >= createdBefore { break }
                if !status.isFinished, !includingOpen { break }
                below = Int(id) + 1
                if let cid = row.text("request_cid") { cids.insert(cid) }
                if let cid = row.text("result_cid") { cids.insert(cid) }
            }
            guard let below else { return PrunedTasks(count: 0, blockCIDs: []) }
            try connection.execute(PruneStatements.delete, [SQLiteValue(sessionID), SQLiteValue(below)])
            let count = connection.changes
            try connection.execute(PruneStatements.mark, [SQLiteValue(sessionID), SQLiteValue(below)])
            return PrunedTasks(count: count, blockCIDs: cids)
        }
    }

    /// Whether retention pruned this task: its id is below the session's low-water mark. Read only after the task
    /// was not found, so the request path pays nothing for it.
    public func wasPruned(sessionID: Int, taskID: Int) throws -> Bool {
        try database.read { connection in
            let below = try connection.queryFirst(
                "SELECT below FROM task_pruned WHERE session_id = ?", [SQLiteValue(sessionID)])?.int("below")
            return below.map { Int64(taskID) < $0 } ?? false
        }
    }

    /// Those of `candidates` (block CIDs as tasks record them) that a task still refers to: two scans of the tasks
    /// table inside SQLite, the candidates looked up in a temporary index (no per-task statement, no rows in Swift).
    public func referencedCIDs(among candidates: Set<String>) throws -> Set<String> {
        guard !candidates.isEmpty else { return [] }
        let list = String(
            decoding: JSONValue.array(candidates.sorted().map(JSONValue.string)).serializedBytes, as: UTF8.self)
        return try database.read { connection in
            Set(try connection.query(PruneStatements.referenced, [.text(list)]).compactMap { $0.text("cid") })
        }
    }
}

/// The statements of retention, prepared once per connection (a busy box prunes every second or so).
private enum PruneStatements {
    static let oldest = SQL(
        """
        SELECT task_id, created_at, status, request_cid, result_cid FROM tasks
        WHERE session_id = ? AND task_id < (SELECT max(task_id) FROM tasks WHERE session_id = ?)
        ORDER BY task_id LIMIT ?
        """)
    static let delete = SQL("DELETE FROM tasks WHERE session_id = ? AND task_id < ?")
    static let mark = SQL(
        """
        INSERT INTO task_pruned (session_id, below) VALUES (?, ?)
        ON CONFLICT (session_id) DO UPDATE SET below = max(below, excluded.below)
        """)
    static let referenced = SQL(
        """
        SELECT request_cid AS cid FROM tasks WHERE request_cid IN (SELECT value FROM json_each(?1))
        UNION SELECT result_cid AS cid FROM tasks WHERE result_cid IN (SELECT value FROM json_each(?1))
        """)
}
