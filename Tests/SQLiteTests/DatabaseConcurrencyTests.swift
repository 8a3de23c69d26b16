import SQLite
import Testing

struct DatabaseConcurrencyTests {
    @Test func readerSeesCommittedDataWhileWriterIsMidTransaction() throws {
        let directory = try TemporaryDirectory()
        let db = try Database(path: directory.file("wal.sqlite3"))
        try db.write { connection in
            try connection.execute("CREATE TABLE t (v TEXT)")
            try connection.execute("INSERT INTO t VALUES ('committed')")
        }
        let seenDuringWrite = try db.write { connection in
            try connection.execute("INSERT INTO t VALUES ('pending')")
            // A reader connection does not wait for the open write transaction and sees the last commit only.
            return try db.read { try $0.query("SELECT v FROM t ORDER BY rowid").map { $0.text("v") } }
        }
        #expect(seenDuringWrite == ["committed"])
        let seenAfter = try db.read { try $0.query("SELECT v FROM t ORDER BY rowid").map { $0.text("v") } }
        #expect(seenAfter == ["committed", "pending"])
    }

    @Test func dataSurvivesClosingAndReopening() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("reopen.sqlite3")
        do {
            let db = try Database(path: path)
            try db.write { connection in
                try connection.execute("CREATE TABLE t (v BLOB)")
                try connection.execute("INSERT INTO t VALUES (?)", [.blob([0, 1, 0, 2])])
            }
        }
        let reopened = try Database(path: path)
        let rows = try reopened.read { try $0.query("SELECT v FROM t") }
        #expect(rows.map { $0.blob("v") } == [[0, 1, 0, 2]])
    }

    @Test func concurrentWritersAndReadersAllSucceed() async throws {
        let directory = try TemporaryDirectory()
        let db = try Database(path: directory.file("concurrent.sqlite3"))
        try db.write { try $0.execute("CREATE TABLE counter (n INTEGER NOT NULL)") }
        try db.write { try $0.execute("INSERT INTO counter VALUES (0)") }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<40 {
                group.addTask {
                    try db.write { connection in
                        // Read-modify-write is safe because writers are serialized.
                        let current = try connection.queryFirst("SELECT n FROM counter")?.int("n") ?? -1
                        try connection.execute("UPDATE counter SET n = ?", [.integer(current + 1)])
                    }
                }
                group.addTask {
                    let value = try db.read { try $0.queryFirst("SELECT n FROM counter")?.int("n") }
                    #expect(value.map { (0...40).contains($0) } == true)
                }
            }
            try await group.waitForAll()
        }
        #expect(try db.read { try $0.queryFirst("SELECT n FROM counter")?.int("n") } == 40)
    }
}

@Suite struct DatabaseCheckpointTests {
    @Test func writesStayInTheWALUntilACheckpointCopiesThem() throws {
        let directory = try TemporaryDirectory()
        // A 64 MiB limit: the background checkpoints start at 16 MiB, far above these 1,200 frames (~5 MB).
        let database = try Database(path: directory.path + "/wal.sqlite3", walLimitBytes: 64 << 20)
        try database.write { try $0.execute("CREATE TABLE t (x INTEGER)") }
        for value in 0..<1200 {
            try database.write { try $0.execute("INSERT INTO t (x) VALUES (?)", [.integer(Int64(value))]) }
        }
        // Auto-checkpointing is off on the writer: every commit is still in the WAL.
        let (walFrames, checkpointed) = try database.checkpoint()
        #expect(walFrames >= 1200)  // past the 1000-page default auto-checkpoint
        #expect(checkpointed == walFrames)
        let count = try database.read { try $0.queryFirst("SELECT COUNT(*) AS n FROM t")?.int("n") }
        #expect(count == 1200)
        let inMemory = try Database.inMemory().checkpoint()
        #expect(inMemory.walFrames == 0 && inMemory.checkpointed == 0)
    }
}
