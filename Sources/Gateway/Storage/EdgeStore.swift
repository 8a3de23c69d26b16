public import SQLite

/// The router's persistent state: one SQLite database in the state directory, with its schema migrated.
public struct EdgeStore: Sendable {
    /// The database file name inside the state directory.
    public static let fileName = "edge.sqlite3"

    /// The underlying database (for stores added later; their tables come from `EdgeStore.migrations`).
    public let database: Database
    /// Every completion request, recorded as a task.
    public let tasks: TaskStore
    /// Client API keys, stored as hashes.
    public let apiKeys: APIKeyStore

    /// Creates `stateDirectory` (mode 0700) if needed, opens `<stateDirectory>/edge.sqlite3` and migrates it.
    public init(stateDirectory: String) throws {
        try createPrivateDirectory(atPath: stateDirectory)
        let directory = stateDirectory.hasSuffix("/") ? String(stateDirectory.dropLast()) : stateDirectory
        try self.init(database: Database(path: directory + "/" + Self.fileName))
    }

    /// Migrates `database` (e.g. `Database.inMemory()` in tests) and builds the stores on it.
    public init(database: Database) throws {
        try database.migrate(Self.migrations)
        self.database = database
        tasks = TaskStore(database: database)
        apiKeys = APIKeyStore(database: database)
    }
}
