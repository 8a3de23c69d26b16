import SQLite
import Testing

struct DatabaseTests {
    static let roundTripValues: [SQLiteValue] = [
        .null,
        .integer(0), .integer(Int64.max), .integer(Int64.min), .integer(-42),
        .real(0.5), .real(-1e300), .real(Double.leastNonzeroMagnitude),
        .text(""), .text("plain"), .text("héllo wörld — 中文 🌍👩‍👩‍👧"), .text("nul\u{0}inside"),
        .blob([]), .blob([0, 0, 0]), .blob([0x00, 0xFF, 0x00, 0x7F, 0x80, 0x00]), .blob(Array(0...255)),
    ]

    @Test(arguments: roundTripValues)
    func valueRoundTrips(value: SQLiteValue) throws {
        let db = try Database.inMemory()
        try db.write { connection in
            try connection.execute("CREATE TABLE t (v)")
            try connection.execute("INSERT INTO t (v) VALUES (?)", [value])
        }
        let rows = try db.read { connection in try connection.query("SELECT v, typeof(v) AS type FROM t") }
        #expect(rows.count == 1)
        #expect(rows.first?["v"] == value)
    }

    @Test func crudOnTypedColumns() throws {
        let db = try Database.inMemory()
        try db.write { connection in
            try connection.execute(
                "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL, score REAL, data BLOB, note TEXT)")
            try connection.execute(
                "INSERT INTO items (name, score, data, note) VALUES (?, ?, ?, ?)",
                ["ünïcödé ✓", 1.25, .blob([1, 0, 2]), nil])
            #expect(connection.lastInsertRowID == 1)
            #expect(connection.changes == 1)
            try connection.execute("INSERT INTO items (name, score) VALUES (?, ?)", ["second", SQLiteValue(7)])
            #expect(connection.lastInsertRowID == 2)
        }
        let first = try db.read { try $0.queryFirst("SELECT * FROM items WHERE id = ?", [1]) }
        let row = try #require(first)
        #expect(row.int("id") == 1)
        #expect(row.text("name") == "ünïcödé ✓")
        #expect(row.double("score") == 1.25)
        #expect(row.blob("data") == [1, 0, 2])
        #expect(row.isNull("note"))
        #expect(row.text("note") == nil)
        #expect(row.columns == ["id", "name", "score", "data", "note"])
        #expect(row[0] == .integer(1))

        let updated = try db.write { connection in
            try connection.execute("UPDATE items SET score = score * 2 WHERE score IS NOT NULL")
            return connection.changes
        }
        #expect(updated == 2)
        let scores = try db.read { try $0.query("SELECT score FROM items ORDER BY id").map { $0.double("score") } }
        #expect(scores == [2.5, 14])

        let deleted = try db.write { connection in
            try connection.execute("DELETE FROM items WHERE name = ?", ["second"])
            return connection.changes
        }
        #expect(deleted == 1)
        #expect(try db.read { try $0.query("SELECT id FROM items") }.count == 1)
    }

    @Test func writeRollsBackWhenBodyThrows() throws {
        let db = try Database.inMemory()
        try db.write { try $0.execute("CREATE TABLE t (v INTEGER)") }
        #expect(throws: IntentionalFailure.self) {
            try db.write { connection in
                try connection.execute("INSERT INTO t VALUES (1)")
                throw IntentionalFailure()
            }
        }
        #expect(try db.read { try $0.query("SELECT v FROM t") }.isEmpty)
        // The connection is usable again after the rollback.
        try db.write { try $0.execute("INSERT INTO t VALUES (2)") }
        #expect(try db.read { try $0.query("SELECT v FROM t") }.map { $0.int("v") } == [2])
    }

    @Test func writeRollsBackWhenAStatementFails() throws {
        let db = try Database.inMemory()
        try db.write { try $0.execute("CREATE TABLE t (v INTEGER UNIQUE)") }
        #expect(throws: SQLiteError.self) {
            try db.write { connection in
                try connection.execute("INSERT INTO t VALUES (1)")
                try connection.execute("INSERT INTO t VALUES (1)")
            }
        }
        #expect(try db.read { try $0.query("SELECT v FROM t") }.isEmpty)
    }

    @Test func readClosureCannotWrite() throws {
        let directory = try TemporaryDirectory()
        for db in [try Database.inMemory(), try Database(path: directory.file("ro.sqlite3"))] {
            try db.write { try $0.execute("CREATE TABLE t (v)") }
            let error = #expect(throws: SQLiteError.self) {
                try db.read { try $0.execute("INSERT INTO t VALUES (1)") }
            }
            #expect(error?.code == .readOnly)
            // After a read, the in-memory writer is writable again.
            try db.write { try $0.execute("INSERT INTO t VALUES (1)") }
            #expect(try db.read { try $0.query("SELECT v FROM t") }.count == 1)
        }
    }

    @Test func fileDatabaseUsesConfiguredPragmas() throws {
        let directory = try TemporaryDirectory()
        let db = try Database(path: directory.file("pragmas.sqlite3"))
        let values = try db.write { connection in
            try ["journal_mode", "synchronous", "busy_timeout", "foreign_keys"].map { name in
                try connection.queryFirst("PRAGMA \(name)")?[0]
            }
        }
        #expect(values == [.text("wal"), .integer(1), .integer(5000), .integer(1)])
    }

    @Test func emptyStatementIsANoOp() throws {
        let db = try Database.inMemory()
        let rows = try db.write { connection in
            try connection.execute("  -- just a comment\n")
            return try connection.query("")
        }
        #expect(rows.isEmpty)
    }
}
