public import Cache
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
    /// IPFS blocks and pins.
    public let blocks: BlockStore
    /// Cached completions (their answers are blocks in `blocks`).
    public let completions: CompletionCache

    /// Creates `stateDirectory` (mode 0700) if needed, opens `<stateDirectory>/edge.sqlite3` (its WAL kept near
    /// `walLimitBytes`) and migrates it.
    public init(
        stateDirectory: String, blockSettings: BlockStore.Settings = .init(),
        cacheSettings: CompletionCache.Settings = .init(), walLimitBytes: Int64 = Database.defaultWALLimitBytes
    ) throws {
        try createPrivateDirectory(atPath: stateDirectory)
        let directory = stateDirectory.hasSuffix("/") ? String(stateDirectory.dropLast()) : stateDirectory
        try self.init(
            database: Database(path: directory + "/" + Self.fileName, walLimitBytes: walLimitBytes),
            blockSettings: blockSettings, cacheSettings: cacheSettings)
    }

    /// Opens the state directory of `config` with its block quota and WAL limit.
    public init(config: EdgeConfig) throws {
        let quota = config.ipfs.quotaBytes == 0 ? nil : config.ipfs.quotaBytes
        try self.init(
            stateDirectory: config.stateDirectory,
            blockSettings: BlockStore.Settings(quotaBytes: quota),
            cacheSettings: CompletionCache.Settings(
                maxEntries: config.completionCache.maxEntries, maxBytes: config.completionCache.maxBytes,
                ttlSeconds: Int64(config.completionCache.ttlSeconds), admitAfter: config.completionCache.admitAfter),
            walLimitBytes: Self.walLimit(configured: config.stateLimits.walLimitBytes, quotaBytes: quota))
    }

    /// The WAL limit for a block quota: the quota includes the WAL (the block store keeps twice the limit free
    /// for it), so the WAL gets at most an eighth of the quota, and never less than
    /// `Database.minimumWALLimitBytes`.
    static func walLimit(configured: Int64, quotaBytes: Int64?) -> Int64 {
        guard let quotaBytes else { return configured }
        return max(Database.minimumWALLimitBytes, min(configured, quotaBytes / 8))
    }

    /// Migrates `database` (e.g. `Database.inMemory()` in tests) and builds the stores on it.
    public init(
        database: Database, blockSettings: BlockStore.Settings = .init(),
        cacheSettings: CompletionCache.Settings = .init()
    ) throws {
        try database.migrate(Self.migrations)
        self.database = database
        tasks = TaskStore(database: database)
        apiKeys = APIKeyStore(database: database)
        blocks = BlockStore(database: database, settings: blockSettings)
        completions = CompletionCache(database: database, blocks: blocks, settings: cacheSettings)
    }
}
