import SQLite
import Testing

/// Migrations that rebuild a table other tables reference (`rebuildsTables`).
struct TableRebuildMigrationTests {
    /// A parent with a CHECK written as an IN list and a child that cascades deletes, with rows in both.
    static let base = [
        Migration(
            version: 1,
            sql: """
                CREATE TABLE parents (id INTEGER PRIMARY KEY, kind INTEGER NOT NULL CHECK (kind IN (1, 2)));
                CREATE TABLE children (
                    id INTEGER PRIMARY KEY,
                    parent_id INTEGER NOT NULL REFERENCES parents (id) ON DELETE CASCADE
                );
                INSERT INTO parents VALUES (1, 1), (2, 2);
                INSERT INTO children VALUES (10, 1), (11, 1), (20, 2);
                """)
    ]

    /// The parent rebuilt with the same check as comparisons.
    static let rebuild = Migration(
        version: 2,
        sql: """
            CREATE TABLE new_parents (id INTEGER PRIMARY KEY, kind INTEGER NOT NULL CHECK (kind = 1 OR kind = 2));
            INSERT INTO new_parents (id, kind) SELECT id, kind FROM parents;
            DROP TABLE parents;
            ALTER TABLE new_parents RENAME TO parents;
            """,
        rebuildsTables: true)

    static func children(_ db: Database) throws -> [[SQLiteValue]] {
        try db.read { try $0.query("SELECT id, parent_id FROM children ORDER BY id").map(\.values) }
    }

    static func foreignKeysEnforced(_ db: Database) throws -> Bool {
        try db.write { try $0.queryFirst("PRAGMA foreign_keys")?.int("foreign_keys") } == 1
    }

    @Test func rebuildKeepsChildRowsAndForeignKeys() throws {
        let db = try Database.inMemory()
        try db.migrate(Self.base)
        let before = try Self.children(db)
        #expect(try db.migrate(Self.base + [Self.rebuild]) == [2])
        #expect(try Self.children(db) == before, "dropping the old parent must not cascade")
        #expect(try Self.foreignKeysEnforced(db))
        // The children's foreign key now points at the rebuilt table, and it still cascades and refuses orphans.
        try db.write { try $0.execute("DELETE FROM parents WHERE id = 1") }
        #expect(try Self.children(db) == [[20, 2]])
        let orphan = #expect(throws: SQLiteError.self) {
            try db.write { try $0.execute("INSERT INTO children VALUES (30, 99)") }
        }
        #expect(orphan?.code == .constraintForeignKey)
        let badKind = #expect(throws: SQLiteError.self) {
            try db.write { try $0.execute("INSERT INTO parents VALUES (3, 3)") }
        }
        #expect(badKind?.code == .constraintCheck)
    }

    @Test func rebuildOnAFileDatabase() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("rebuild.sqlite3")
        try Database(path: path).migrate(Self.base)
        let db = try Database(path: path)
        #expect(try db.migrate(Self.base + [Self.rebuild]) == [2])
        #expect(try Self.children(db).count == 3)
        #expect(try Self.foreignKeysEnforced(db))
    }

    @Test func rebuildLeavingOrphansRollsBack() throws {
        let db = try Database.inMemory()
        try db.migrate(Self.base)
        let losesParent = Migration(
            version: 2,
            sql: """
                CREATE TABLE new_parents (id INTEGER PRIMARY KEY, kind INTEGER NOT NULL);
                INSERT INTO new_parents (id, kind) SELECT id, kind FROM parents WHERE id = 2;
                DROP TABLE parents;
                ALTER TABLE new_parents RENAME TO parents;
                """,
            rebuildsTables: true)
        let error = #expect(throws: MigrationError.self) { try db.migrate(Self.base + [losesParent]) }
        guard case .migrationFailed(let version, let underlying) = error else {
            Issue.record("expected migrationFailed, got \(String(describing: error))")
            return
        }
        #expect(version == 2)
        #expect(underlying.code == .constraintForeignKey)
        #expect(try db.userVersion() == 1)
        #expect(try db.read { try $0.query("SELECT id FROM parents") }.count == 2)
        #expect(try Self.foreignKeysEnforced(db))
    }
}
