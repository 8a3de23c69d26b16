/// One forward-only schema step: `sql` runs once, in its own transaction, to bring the schema to `version`.
public struct Migration: Sendable, Hashable {
    /// The `PRAGMA user_version` the database has after this step; positive.
    public let version: Int
    /// A script of `;`-separated statements (no BEGIN/COMMIT: the migration already runs in a transaction).
    public let sql: String
    /// Whether `sql` rebuilds tables that others reference by foreign key (SQLite's procedure for schema changes
    /// ALTER TABLE cannot make: create the new table, copy, drop the old, rename). Foreign-key enforcement is then
    /// off while it runs, so dropping the old table neither cascades into nor breaks its children, and
    /// `PRAGMA foreign_key_check` must find no violation before it commits.
    public let rebuildsTables: Bool

    /// Creates a migration step.
    public init(version: Int, sql: String, rebuildsTables: Bool = false) {
        precondition(version > 0, "migration versions start at 1")
        self.version = version
        self.sql = sql
        self.rebuildsTables = rebuildsTables
    }
}

extension Database {
    /// Applies, in order and each in its own transaction, every migration newer than `PRAGMA user_version`.
    ///
    /// Returns the versions applied. Throws `MigrationError.databaseNewerThanCode` without changing anything when
    /// the database was written by code that knows more migrations than `migrations`.
    @discardableResult
    public func migrate(_ migrations: [Migration]) throws -> [Int] {
        precondition(
            zip(migrations, migrations.dropFirst()).allSatisfy { $0.version < $1.version },
            "migrations must be listed in strictly increasing version order")
        let latest = migrations.last?.version ?? 0
        var applied: [Int] = []
        for migration in migrations {
            let didApply = try write(enforcingForeignKeys: !migration.rebuildsTables) { connection in
                // Re-read inside the write lock: another process may have migrated meanwhile.
                let current = try Self.userVersion(connection)
                guard current <= latest else {
                    throw MigrationError.databaseNewerThanCode(databaseVersion: current, latestKnownVersion: latest)
                }
                guard current < migration.version else { return false }
                do throws(SQLiteError) {
                    try connection.executeScript(migration.sql)
                    if migration.rebuildsTables { try Self.verifyForeignKeys(connection) }
                    try connection.execute("PRAGMA user_version = \(migration.version)")
                } catch {
                    throw MigrationError.migrationFailed(version: migration.version, error: error)
                }
                return true
            }
            if didApply { applied.append(migration.version) }
        }
        if migrations.isEmpty {
            // Still refuse a database from newer code, even with nothing to apply.
            let current = try userVersion()
            guard current == 0 else {
                throw MigrationError.databaseNewerThanCode(databaseVersion: current, latestKnownVersion: 0)
            }
        }
        return applied
    }

    /// The schema version recorded in `PRAGMA user_version`.
    public func userVersion() throws -> Int {
        try read { connection in try Self.userVersion(connection) }
    }

    /// Throws unless every foreign key in the database points at an existing row.
    private static func verifyForeignKeys(_ connection: Connection) throws(SQLiteError) {
        guard let violation = try connection.queryFirst("PRAGMA foreign_key_check") else { return }
        let table = violation.text("table") ?? "?"
        let parent = violation.text("parent") ?? "?"
        throw SQLiteError(
            code: .constraintForeignKey, message: "foreign key violation in \(table) referring to \(parent)")
    }

    private static func userVersion(_ connection: Connection) throws(SQLiteError) -> Int {
        Int(try connection.queryFirst("PRAGMA user_version")?.int("user_version") ?? 0)
    }
}
