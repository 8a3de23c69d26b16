import SQLite
import Testing

@testable import Gateway

/// Migration 6 rebuilds `tasks` (its status check as comparisons) under a database of version 5 with data.
struct TaskSchemaMigrationTests {
    static let beforeRebuild = EdgeStore.migrations.filter { $0.version <= 5 }

    /// Every row of the three task tables, in key order.
    static func dump(_ database: Database) throws -> [[[SQLiteValue]]] {
        try database.read { connection in
            try [
                "SELECT * FROM tasks ORDER BY session_id, task_id",
                "SELECT * FROM task_assignments ORDER BY session_id, task_id, idx",
                "SELECT * FROM task_results ORDER BY session_id, task_id, idx",
            ].map { sql in try connection.query(sql).map(\.values) }
        }
    }

    /// Tasks in every status, with assignments, results, CIDs and a failure, in two sessions.
    static func seed(_ tasks: TaskStore) throws {
        for session in [1, 7] {
            _ = try tasks.createTask(
                sessionID: session, assignedMiners: [], promptHash: promptHash("queued"), clientReference: nil, now: 1)
            let assigned = try tasks.createTask(
                sessionID: session, assignedMiners: ["a"], promptHash: promptHash("assigned"), clientReference: "r",
                now: 2)
            try tasks.markAssigned(sessionID: session, taskID: assigned.taskID, miners: ["b", "c"])
            let done = try tasks.createTask(
                sessionID: session, assignedMiners: ["a", "b"], promptHash: promptHash("done"), clientReference: nil,
                now: 3)
            try tasks.complete(
                sessionID: session, taskID: done.taskID, resultData: ["x", "y"], resultMiners: ["a", "b"], now: 4)
            let failed = try tasks.createTask(
                sessionID: session, assignedMiners: ["c"], promptHash: promptHash("failed"), clientReference: nil,
                now: 5)
            try tasks.fail(sessionID: session, taskID: failed.taskID, reason: "c: timed out", now: 6)
        }
        try tasks.database.write { connection in
            try connection.execute(
                "UPDATE tasks SET request_cid = 'bafkrequest', result_cid = 'bafkresult' WHERE task_id = 2")
        }
    }

    @Test func rebuildKeepsEveryRowAndTheConstraints() throws {
        let directory = try StorageTestDirectory()
        let path = directory.path + "/" + EdgeStore.fileName
        do {
            let database = try Database(path: path)
            try database.migrate(Self.beforeRebuild)
            try Self.seed(TaskStore(database: database))
        }
        let database = try Database(path: path)
        let before = try Self.dump(database)
        #expect(before.map(\.count) == [8, 10, 4])
        #expect(try database.migrate(EdgeStore.migrations) == [6, 7])
        #expect(try Self.dump(database) == before)

        let store = try EdgeStore(database: database)
        #expect(try store.tasks.tasks(sessionID: 7, limit: 10).map(\.status) == [.failed, .done, .assigned, .queued])
        #expect(try store.tasks.task(sessionID: 1, taskID: 1)?.assignedMiners == ["b", "c"])
        #expect(try store.tasks.task(sessionID: 1, taskID: 2)?.resultCID == "bafkresult")
        let next = try store.tasks.createTask(
            sessionID: 1, assignedMiners: [], promptHash: promptHash("after"), clientReference: nil, now: 9)
        #expect(next.taskID == 4)

        try database.write { connection in
            let enforced = try connection.queryFirst("PRAGMA foreign_keys")?.int("foreign_keys")
            #expect(enforced == 1)
            // The children still cascade from, and refuse orphans of, the rebuilt table.
            try connection.execute("DELETE FROM tasks WHERE session_id = 7 AND task_id = 2")
            let orphan = #expect(throws: SQLiteError.self) {
                try connection.execute("INSERT INTO task_results VALUES (7, 99, 0, 'a', 'x')")
            }
            #expect(orphan?.code == .constraintForeignKey)
        }
        #expect(try Self.dump(database)[2].count == 2)
    }

    @Test(arguments: [2, 3, 6, -1])
    func statusCheckStillRefuses(status: Int) throws {
        let store = try EdgeStore(database: Database.inMemory())
        let error = #expect(throws: SQLiteError.self) {
            try store.database.write { connection in
                try connection.execute(
                    TaskStatements.insertTask,
                    [1, 0, 1, nil, SQLiteValue(status), .text(promptHash("p")), nil, nil, nil, nil])
            }
        }
        #expect(error?.code == .constraintCheck)
    }

    @Test func taskWritesBuildNoTemporaryBTree() throws {
        let store = try EdgeStore(database: Database.inMemory())
        let statements = [
            TaskStatements.insertTask, TaskStatements.assign, TaskStatements.complete, TaskStatements.fail,
        ]
        for statement in statements {
            let parameters = [SQLiteValue](
                repeating: .null, count: statement.text.utf8.filter { $0 == UInt8(ascii: "?") }.count)
            let opcodes = try store.database.read { connection in
                try connection.query("EXPLAIN " + statement.text, parameters).compactMap { $0.text("opcode") }
            }
            #expect(!opcodes.contains("OpenEphemeral"), "\(statement.text)")
        }
    }
}
