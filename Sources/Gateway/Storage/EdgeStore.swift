public import Cache
public import SQLite
public import System

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
        // A database from before incremental vacuum gets its one VACUUM here (up to 256 MiB, seconds on an eMMC);
        // a bigger one, or one without the free space for the copy, stays as it is (deletes are then reused
        // inside the file instead of returned).
        _ = try? database.enableIncrementalVacuum()
    }

    /// Opens the state directory of `config` with its block quota and WAL limit; under `[state] max_bytes` the
    /// WAL gets at most an eighth of the cap and the completion cache a quarter of the database's share.
    public init(config: EdgeConfig) throws {
        let quota = config.ipfs.quotaBytes == 0 ? nil : config.ipfs.quotaBytes
        let wal = Self.walLimit(config)
        let budget = Self.prunerSettings(config).fileBudgetBytes
        try self.init(
            stateDirectory: config.stateDirectory,
            blockSettings: BlockStore.Settings(quotaBytes: quota),
            cacheSettings: CompletionCache.Settings(
                maxEntries: config.completionCache.maxEntries,
                maxBytes: min(config.completionCache.maxBytes, budget.map { $0 / 4 } ?? .max),
                ttlSeconds: Int64(config.completionCache.ttlSeconds), admitAfter: config.completionCache.admitAfter),
            walLimitBytes: wal)
    }

    /// The database file's share of `[state] max_bytes`: the cap less twice the WAL's limit (it may reach about
    /// twice that while a checkpoint runs under heavy writes) and the WAL index (32 KiB per 4,096 frames, plus
    /// slack); nil without a cap. At least 1 MiB.
    static func fileBudget(maxBytes: Int64?, walLimitBytes: Int64) -> Int64? {
        maxBytes.map { max(1 << 20, $0 - 2 * walLimitBytes - walLimitBytes / 64 - (64 << 10)) }
    }

    /// The pruner's settings for `config` (see `StatePruner`).
    public static func prunerSettings(_ config: EdgeConfig) -> StatePruner.Settings {
        let cap = config.stateLimits.maxBytes == 0 ? nil : config.stateLimits.maxBytes
        return StatePruner.Settings(
            keepDays: config.taskRetention.keepDays, keepMax: config.taskRetention.keepMax,
            keepBytes: config.taskRetention.keepBytes, maxBytes: cap,
            fileBudgetBytes: fileBudget(maxBytes: cap, walLimitBytes: walLimit(config)))
    }

    /// The WAL limit of `config`: the smaller of the block quota and `[state] max_bytes` bounds it (see below).
    static func walLimit(_ config: EdgeConfig) -> Int64 {
        let bounds = [config.ipfs.quotaBytes, config.stateLimits.maxBytes].filter { $0 > 0 }
        return walLimit(configured: config.stateLimits.walLimitBytes, quotaBytes: bounds.min())
    }

    /// The WAL limit for a block quota: the quota includes the WAL (the block store keeps twice the limit free
    /// for it), so the WAL gets at most an eighth of the quota, and never less than
    /// `Database.minimumWALLimitBytes`.
    static func walLimit(configured: Int64, quotaBytes: Int64?) -> Int64 {
        guard let quotaBytes else { return configured }
        return max(Database.minimumWALLimitBytes, min(configured, quotaBytes / 8))
    }

    /// Migrates `database` (e.g. `Database.inMemory()` in tests) and builds the stores on it; `clock` gives the
    /// block store and cache their milliseconds (tests move it).
    public init(
        database: Database, blockSettings: BlockStore.Settings = .init(),
        cacheSettings: CompletionCache.Settings = .init(),
        clock: @escaping @Sendable () -> Int64 = { WallClock.unixMilliseconds() }
    ) throws {
        try database.migrate(Self.migrations)
        self.database = database
        tasks = TaskStore(database: database)
        apiKeys = APIKeyStore(database: database)
        blocks = BlockStore(database: database, settings: blockSettings, clock: clock)
        completions = CompletionCache(database: database, blocks: blocks, settings: cacheSettings, clock: clock)
    }
}
