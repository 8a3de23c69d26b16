import SQLite
import Testing

struct MigrationTests {
    static let base = [
        Migration(version: 1, sql: "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL);"),
        Migration(version: 2, sql: "INSERT INTO notes (body) VALUES ('seeded by v2');"),
        Migration(
            version: 3,
            sql: """
                ALTER TABLE notes ADD COLUMN created_at INTEGER NOT NULL DEFAULT 0;
                CREATE INDEX notes_created_at ON notes (created_at);
                """),
    ]

    @Test func appliesInOrderExactlyOnce() throws {
        let db = try Database.inMemory()
        #expect(try db.userVersion() == 0)
        #expect(try db.migrate(Self.base) == [1, 2, 3])
        #expect(try db.userVersion() == 3)
        #expect(try db.migrate(Self.base) == [])
        let rows = try db.read { try $0.query("SELECT body, created_at FROM notes") }
        #expect(rows.map { $0.text("body") } == ["seeded by v2"])
        #expect(rows.first?.int("created_at") == 0)
    }

    @Test func laterCodeAppendsMigrations() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("migrate.sqlite3")
        do {
            let db = try Database(path: path)
            #expect(try db.migrate(Array(Self.base.prefix(2))) == [1, 2])
        }
        let db = try Database(path: path)
        #expect(try db.migrate(Self.base) == [3])
        #expect(try db.userVersion() == 3)
        #expect(try db.read { try $0.query("SELECT id FROM notes") }.count == 1)
    }

    @Test func failedMigrationRollsBackAndKeepsVersion() throws {
        let db = try Database.inMemory()
        let broken = [
            Self.base[0],
            Migration(version: 2, sql: "CREATE TABLE side (x); INSERT INTO nowhere VALUES (1);"),
        ]
        let error = #expect(throws: MigrationError.self) { try db.migrate(broken) }
        guard case .migrationFailed(let version, let underlying) = error else {
            Issue.record("expected migrationFailed, got \(String(describing: error))")
            return
        }
        #expect(version == 2)
        #expect(underlying.code == .error)
        #expect(try db.userVersion() == 1)
        let tables = try db.read { try $0.query("SELECT name FROM sqlite_master WHERE type = 'table'") }
        #expect(tables.map { $0.text("name") } == ["notes"])
    }

    @Test func refusesADatabaseFromNewerCode() throws {
        let db = try Database.inMemory()
        try db.migrate(Self.base)
        try db.write { try $0.execute("PRAGMA user_version = 7") }
        #expect(throws: MigrationError.databaseNewerThanCode(databaseVersion: 7, latestKnownVersion: 3)) {
            try db.migrate(Self.base)
        }
        #expect(throws: MigrationError.databaseNewerThanCode(databaseVersion: 7, latestKnownVersion: 0)) {
            try db.migrate([])
        }
        #expect(try db.userVersion() == 7)
    }

    @Test func refusesBeforeApplyingAnything() throws {
        let db = try Database.inMemory()
        try db.write { try $0.execute("PRAGMA user_version = 9") }
        #expect(throws: MigrationError.self) { try db.migrate(Self.base) }
        #expect(try db.read { try $0.query("SELECT name FROM sqlite_master") }.isEmpty)
    }
}
