import SQLite

extension TaskStore {
    /// The failure reason of a task the router stopped working on without finishing it (a crash, `kill -9`, power
    /// loss): its client never got a whole answer, and no process will finish it.
    public static let interruptedReason = "interrupted"

    /// Marks every task still open (queued or assigned) as failed with `interruptedReason`, except those of
    /// `keptSessions`; returns how many it marked.
    ///
    /// Call it at start, before serving: a task is open only while a request of this process works on it, so any
    /// task open then was left by a process that is gone, and would otherwise read `assigned` forever. One scan of
    /// the tasks table, once per start.
    @discardableResult
    public func failInterruptedTasks(except keptSessions: Set<Int>, now: Int64) throws -> Int {
        let kept = keptSessions.sorted()
        let keptClause =
            kept.isEmpty ? "" : " AND session_id NOT IN (" + kept.map { _ in "?" }.joined(separator: ", ") + ")"
        return try database.write { connection in
            try connection.execute(
                "UPDATE tasks SET status = ?, finished_at = ?, error = ? WHERE \(TaskStatements.isUnfinished)"
                    + keptClause,
                [SQLiteValue(TaskStatus.failed.rawValue), .integer(now), .text(Self.interruptedReason)]
                    + kept.map { SQLiteValue($0) })
            return connection.changes
        }
    }
}
