import Foundation
import SQLite
import Testing

struct DatabaseErrorTests {
    @Test func uniqueViolationCarriesExtendedCodeButNotTheArguments() throws {
        let db = try Database.inMemory()
        try db.write { try $0.execute("CREATE TABLE t (v TEXT UNIQUE)") }
        try db.write { try $0.execute("INSERT INTO t VALUES (?)", ["secret-argument-4711"]) }
        let error = #expect(throws: SQLiteError.self) {
            try db.write { try $0.execute("INSERT INTO t VALUES (?)", ["secret-argument-4711"]) }
        }
        #expect(error?.code == .constraintUnique)
        #expect(error?.code.primary == .constraint)
        #expect(error?.isConstraintViolation == true)
        #expect(error?.message.contains("UNIQUE") == true)
        #expect(error.map { "\($0)".contains("secret-argument-4711") } == false)
    }

    @Test func syntaxErrorIsGenericErrorWithMessage() throws {
        let db = try Database.inMemory()
        let error = #expect(throws: SQLiteError.self) {
            try db.write { try $0.execute("SELEKT 1") }
        }
        #expect(error?.code == .error)
        #expect(error?.message.contains("syntax error") == true)
        #expect(error?.isConstraintViolation == false)
    }

    @Test func foreignKeysAreEnforced() throws {
        let db = try Database.inMemory()
        try db.write { connection in
            try connection.executeScript(
                """
                CREATE TABLE parent (id INTEGER PRIMARY KEY);
                CREATE TABLE child (parent_id INTEGER NOT NULL REFERENCES parent(id));
                """)
        }
        let error = #expect(throws: SQLiteError.self) {
            try db.write { try $0.execute("INSERT INTO child VALUES (?)", [99]) }
        }
        #expect(error?.code == .constraintForeignKey)
    }

    @Test func notNullViolation() throws {
        let db = try Database.inMemory()
        try db.write { try $0.execute("CREATE TABLE t (v TEXT NOT NULL)") }
        let error = #expect(throws: SQLiteError.self) {
            try db.write { try $0.execute("INSERT INTO t VALUES (?)", [nil]) }
        }
        #expect(error?.code == .constraintNotNull)
    }

    @Test func missingTableIsAnError() throws {
        let db = try Database.inMemory()
        let error = #expect(throws: SQLiteError.self) {
            try db.read { try $0.query("SELECT * FROM nowhere") }
        }
        #expect(error?.code == .error)
        #expect(error?.message.contains("no such table") == true)
    }

    @Test func wrongBindingCountIsARangeError() throws {
        let db = try Database.inMemory()
        let error = #expect(throws: SQLiteError.self) {
            try db.read { try $0.query("SELECT ?, ?", [1]) }
        }
        #expect(error?.code == .range)
    }

    @Test func twoStatementsInExecuteAreRefused() throws {
        let db = try Database.inMemory()
        let error = #expect(throws: SQLiteError.self) {
            try db.write { try $0.execute("CREATE TABLE a (x); CREATE TABLE b (y)") }
        }
        #expect(error?.code == .misuse)
        #expect(try db.read { try $0.query("SELECT name FROM sqlite_master") }.isEmpty)
    }

    @Test func openingAFileThatIsNotADatabaseFails() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("garbage.sqlite3")
        try Array(repeating: "this is not a sqlite database ", count: 200).joined()
            .write(toFile: path, atomically: true, encoding: .utf8)
        let error = #expect(throws: SQLiteError.self) { try Database(path: path) }
        #expect(error?.code == .notADatabase)
    }

    @Test func openingInAMissingDirectoryFails() throws {
        let directory = try TemporaryDirectory()
        let error = #expect(throws: SQLiteError.self) {
            try Database(path: directory.file("missing/dir/db.sqlite3"))
        }
        #expect(error?.code.primary == .cantOpen)
    }
}
