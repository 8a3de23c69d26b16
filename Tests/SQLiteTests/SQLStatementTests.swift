import Testing

@testable import SQLite

/// Statements run through numbered `SQL` values instead of text.
struct SQLStatementTests {
    static let insert = SQL("INSERT INTO t (k, v) VALUES (?, ?)")
    static let lookup = SQL("SELECT v FROM t WHERE k = ?")
    static let all = SQL("SELECT k FROM t ORDER BY k")

    static func database() throws -> Database {
        let db = try Database.inMemory()
        try db.write { try $0.execute("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT NOT NULL)") }
        return db
    }

    @Test func runsRepeatedlyWithFreshBindings() throws {
        let db = try Self.database()
        try db.write { connection in
            for key in 0..<5 { try connection.execute(Self.insert, [SQLiteValue(key), .text("value \(key)")]) }
        }
        for key in 0..<5 {
            let row = try db.read { try $0.queryFirst(Self.lookup, [SQLiteValue(key)]) }
            #expect(row?.text("v") == "value \(key)")
        }
        #expect(try db.read { try $0.queryFirst(Self.lookup, [99]) } == nil)
        #expect(try db.read { try $0.query(Self.all) }.compactMap { $0.int("k") } == [0, 1, 2, 3, 4])
    }

    @Test func sameTextInTwoValuesAndAcrossConnections() throws {
        let directory = try TemporaryDirectory()
        let db = try Database(path: directory.file("sql.sqlite3"), readerCount: 2)
        try db.write { try $0.execute("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT NOT NULL)") }
        let again = SQL(Self.insert.text)
        try db.write { connection in
            try connection.execute(Self.insert, [1, "one"])
            try connection.execute(again, [2, "two"])
        }
        // Both readers prepare the statement for themselves.
        for _ in 0..<4 { #expect(try db.read { try $0.query(Self.all) }.count == 2) }
    }

    @Test func valuesPastTheNumberedTableStillWork() throws {
        let db = try Self.database()
        // Numbers past the table, given explicitly: made with `SQL(_:)` they would use up the process's numbers
        // and push the statements of every test that runs later out of the table.
        let limit = SQLiteHandle.numberedStatementLimit
        let many = (0..<8).map { SQL("SELECT \($0) AS n", number: limit + $0) }
        try db.write { connection in
            for (expected, sql) in many.enumerated() {
                let value = try connection.queryFirst(sql)?.int("n")
                #expect(value == Int64(expected))
            }
        }
    }

    @Test func errorsComeFromPreparingOnFirstUse() throws {
        let db = try Self.database()
        let broken = SQL("SELECT nothing FROM nowhere")
        let error = #expect(throws: SQLiteError.self) { try db.read { try $0.query(broken) } }
        #expect(error?.code == .error)
    }
}
