import Dispatch
public import SQLite
import Synchronization
public import System

/// Cached completions: a 32-byte key (a digest of everything that determines the output) maps to the CID of
/// the stored completion in the block store, which pins it while cached. Popularity admission (a key is stored
/// only once it was seen `admitAfter` times), a TTL, and entry and byte bounds evicting the least recently used.
public final class CompletionCache: Sendable {
    public struct Settings: Sendable, Equatable {
        public var maxEntries: Int
        public var maxBytes: Int64
        public var ttlSeconds: Int64
        /// Sightings of a key before its completion is stored (1 = store every cacheable completion).
        public var admitAfter: Int

        public init(
            maxEntries: Int = 10_000, maxBytes: Int64 = 64 << 20, ttlSeconds: Int64 = 86_400, admitAfter: Int = 2
        ) {
            self.maxEntries = maxEntries
            self.maxBytes = maxBytes
            self.ttlSeconds = ttlSeconds
            self.admitAfter = admitAfter
        }
    }

    /// Counters and sizes.
    public struct Stats: Sendable, Equatable {
        public var entries: Int64
        public var bytes: Int64
        public var hits: Int64
        public var misses: Int64
    }

    /// The cache's table, for the owner's migration list.
    public static let schema = """
        CREATE TABLE completion_cache (
            key BLOB PRIMARY KEY CHECK (length(key) = 32),
            cid BLOB NOT NULL,
            size INTEGER NOT NULL,
            created_at INTEGER NOT NULL,
            last_used INTEGER NOT NULL,
            hits INTEGER NOT NULL DEFAULT 0
        ) WITHOUT ROWID;
        CREATE INDEX completion_cache_by_last_use ON completion_cache (last_used);
        """

    public let settings: Settings
    private let database: Database
    private let blocks: BlockStore
    private let clock: @Sendable () -> Int64
    private let sketch = Mutex(FrequencySketch())
    private let hits = Atomic<Int64>(0)
    private let misses = Atomic<Int64>(0)
    /// Hits not yet written back (key → when, how many): a hit costs no write transaction; they are written
    /// with the next store, or in the background every `touchBatch` hits.
    private let touches = Mutex<[[UInt8]: (lastUsed: Int64, hits: Int64)]>([:])
    private static let touchBatch = 256

    /// A cache in `database` (whose schema includes `schema`), keeping completions in `blocks`; `clock` gives
    /// milliseconds (recency needs finer steps than seconds).
    public init(
        database: Database, blocks: BlockStore, settings: Settings = Settings(),
        clock: @escaping @Sendable () -> Int64 = { WallClock.unixMilliseconds() }
    ) {
        self.database = database
        self.blocks = blocks
        self.settings = settings
        self.clock = clock
    }

    /// The stored completion for `key`, if cached and fresh; counts a hit or a miss.
    public func lookup(_ key: [UInt8]) -> [UInt8]? {
        let now = clock()
        let found = try? database.read { connection in
            try connection.queryFirst(
                "SELECT cid FROM completion_cache WHERE key = ? AND created_at > ?",
                [.blob(key), .integer(now - settings.ttlSeconds * 1000)])?.blob("cid")
        }
        guard let cidBytes = found ?? nil, let cid = try? CID(bytes: cidBytes), let value = try? blocks.get(cid)
        else {
            misses.add(1, ordering: .relaxed)
            return nil
        }
        hits.add(1, ordering: .relaxed)
        let pending = touches.withLock { touches in
            touches[key] = (now, (touches[key]?.hits ?? 0) + 1)
            return touches.count
        }
        if pending >= Self.touchBatch {
            DispatchQueue.global(qos: .utility).async { [self] in try? self.writeTouches() }
        }
        return value
    }

    /// Records a sighting of `key`; true once it was seen often enough to be stored.
    public func admit(_ key: [UInt8]) -> Bool {
        sketch.withLock { sketch in
            sketch.add(key)
            return sketch.estimate(key) >= settings.admitAfter
        }
    }

    /// Stores `value` under `key` (its block pinned while cached), then evicts down to the bounds.
    public func store(_ key: [UInt8], value: [UInt8]) throws(BlockStoreError) {
        let cid = try blocks.put(value, codec: .raw)
        try blocks.pin(cid, recursive: false)
        let now = clock()
        let replaced: [UInt8]?
        do {
            replaced = try database.write { connection in
                let old = try connection.queryFirst("SELECT cid FROM completion_cache WHERE key = ?", [.blob(key)])?
                    .blob("cid")
                try connection.execute(
                    "INSERT OR REPLACE INTO completion_cache (key, cid, size, created_at, last_used) VALUES (?, ?, ?, ?, ?)",
                    [.blob(key), .blob(cid.bytes), .integer(Int64(value.count)), .integer(now), .integer(now)])
                return old
            }
        } catch { throw .storage("\(error)") }
        if let replaced, replaced != cid.bytes { try releaseUnlessShared(replaced) }
        try evict()
    }

    /// Removes every entry (and unpins their blocks).
    public func clear() throws(BlockStoreError) {
        let cids: [[UInt8]]
        do {
            cids = try database.write { connection in
                let rows = try connection.query("SELECT DISTINCT cid FROM completion_cache")
                try connection.execute("DELETE FROM completion_cache")
                return rows.compactMap { $0.blob("cid") }
            }
        } catch { throw .storage("\(error)") }
        for cid in cids { try releaseUnlessShared(cid) }
    }

    /// Entries, bytes, and this process's hits and misses.
    public func stats() throws(BlockStoreError) -> Stats {
        let row: Row?
        do {
            row = try database.read { connection in
                try connection.queryFirst("SELECT count(*) AS n, coalesce(sum(size), 0) AS bytes FROM completion_cache")
            }
        } catch { throw .storage("\(error)") }
        return Stats(
            entries: row?.int("n") ?? 0, bytes: row?.int("bytes") ?? 0, hits: hits.load(ordering: .relaxed),
            misses: misses.load(ordering: .relaxed))
    }

    /// Writes the pending hits' recency and counts back.
    private func writeTouches() throws {
        let pending = touches.withLock { touches in
            defer { touches.removeAll() }
            return touches
        }
        guard !pending.isEmpty else { return }
        try database.write { connection in
            for (key, touch) in pending {
                try connection.execute(
                    "UPDATE completion_cache SET last_used = max(last_used, ?), hits = hits + ? WHERE key = ?",
                    [.integer(touch.lastUsed), .integer(touch.hits), .blob(key)])
            }
        }
    }

    /// Drops expired entries, then the least recently used ones until within the entry and byte bounds.
    private func evict() throws(BlockStoreError) {
        try? writeTouches()
        let now = clock()
        let victims: [[UInt8]]
        do {
            victims = try database.write { connection in
                var cids =
                    try connection.query(
                        "DELETE FROM completion_cache WHERE created_at <= ? RETURNING cid",
                        [.integer(now - settings.ttlSeconds * 1000)]
                    ).compactMap { $0.blob("cid") }
                while let totals = try connection.queryFirst(
                    "SELECT count(*) AS n, coalesce(sum(size), 0) AS bytes FROM completion_cache"),
                    (totals.int("n") ?? 0) > Int64(settings.maxEntries)
                        || (totals.int("bytes") ?? 0) > settings.maxBytes
                {
                    let oldest = try connection.query(
                        """
                        DELETE FROM completion_cache WHERE key =
                            (SELECT key FROM completion_cache ORDER BY last_used, created_at LIMIT 1) RETURNING cid
                        """)
                    guard !oldest.isEmpty else { break }
                    cids += oldest.compactMap { $0.blob("cid") }
                }
                return cids
            }
        } catch { throw .storage("\(error)") }
        for cid in victims { try releaseUnlessShared(cid) }
    }

    /// Unpins a completion block no remaining entry refers to (identical completions share one block).
    private func releaseUnlessShared(_ cidBytes: [UInt8]) throws(BlockStoreError) {
        let stillUsed: Bool
        do {
            stillUsed = try database.read { connection in
                try connection.queryFirst(
                    "SELECT 1 AS used FROM completion_cache WHERE cid = ? LIMIT 1", [.blob(cidBytes)])
                    != nil
            }
        } catch { throw .storage("\(error)") }
        guard !stillUsed, let cid = try? CID(bytes: cidBytes) else { return }
        try blocks.unpin(cid)
    }
}
