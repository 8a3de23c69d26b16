public import SQLite
import Synchronization
public import System

/// Content-addressed blocks in the router's SQLite database: verified puts, pins (direct and recursive over DAG
/// links), and a byte quota enforced by least-recently-used garbage collection that never drops a pinned block.
///
/// Every acknowledged `put` is committed (WAL), so it survives the process being killed. Readers use the
/// database's reader connections and never wait for a writer.
public final class BlockStore: Sendable {
    /// Limits and policy.
    public struct Settings: Sendable, Equatable {
        /// The most bytes of block data kept; nil = no quota. Over it, a put collects garbage down to
        /// `collectionTarget` of the quota.
        public var quotaBytes: Int64?
        /// Fraction of the quota a collection frees down to.
        public var collectionTarget: Double = 0.9
        /// The largest block accepted.
        public var maxBlockBytes = 4 << 20
        /// Bytes of recently read blocks (64 KiB or smaller) kept in memory; 0 = none. See `HotBlocks`.
        public var hotCacheBytes = 1 << 20
        /// How long a block read from the database is served from memory: a delete by another process sharing
        /// the database is seen this late at most.
        public var hotCacheLifetimeMilliseconds: Int64 = 1000
        /// How stale a stored block's last use may get before storing it again records the new use: within it, a
        /// repeated put writes nothing (garbage collection's order among blocks used that close together is
        /// approximate by as much).
        public var lastUsedResolutionMilliseconds: Int64 = 1000

        public init(
            quotaBytes: Int64? = nil, collectionTarget: Double = 0.9, maxBlockBytes: Int = 4 << 20,
            hotCacheBytes: Int = 1 << 20, hotCacheLifetimeMilliseconds: Int64 = 1000,
            lastUsedResolutionMilliseconds: Int64 = 1000
        ) {
            self.quotaBytes = quotaBytes
            self.collectionTarget = collectionTarget
            self.maxBlockBytes = maxBlockBytes
            self.hotCacheBytes = hotCacheBytes
            self.hotCacheLifetimeMilliseconds = hotCacheLifetimeMilliseconds
            self.lastUsedResolutionMilliseconds = lastUsedResolutionMilliseconds
        }
    }

    /// What the store holds.
    public struct Stats: Sendable, Equatable {
        public var blocks: Int64
        public var bytes: Int64
        public var pins: Int64
        public var quotaBytes: Int64?
    }

    /// One pin.
    public struct Pin: Sendable, Hashable {
        public var cid: CID
        public var recursive: Bool
        public var createdAt: Int64
    }

    /// What a garbage collection removed.
    public struct Collection: Sendable, Equatable {
        public var removedBlocks: Int
        public var removedBytes: Int64
    }

    private let database: Database
    public let settings: Settings
    /// Milliseconds (internal: `release` reads it).
    let clock: @Sendable () -> Int64
    /// Blocks read since the last write, with when: their `last_used` is updated by the next write
    /// (reads stay read-only; a lost touch after a crash only ages a block).
    private let touches = Mutex<[[UInt8]: Int64]>([:])
    /// Popular blocks, served without a read transaction.
    let hot: Mutex<HotBlocks>
    /// Block bytes written since the quota was last compared with the totals.
    private let bytesSinceQuotaCheck = Atomic<Int>(0)
    /// How much may be written between two quota checks (the quota may be exceeded by this much at most).
    static let quotaCheckBytes = 1 << 20

    /// A store over `database`, whose schema must include `BlockStore.schema`; `clock` gives milliseconds.
    public init(
        database: Database, settings: Settings = Settings(),
        clock: @escaping @Sendable () -> Int64 = { WallClock.unixMilliseconds() }
    ) {
        self.database = database
        self.settings = settings
        self.clock = clock
        hot = Mutex(
            HotBlocks(
                limits: .init(
                    maxBytes: settings.hotCacheBytes, lifetimeMilliseconds: settings.hotCacheLifetimeMilliseconds)))
    }

    // MARK: Blocks

    /// Stores `data` as the block `cid` after checking that it hashes to `cid`. Identity CIDs hold their content
    /// inline and are not stored. Returns whether a new block was written.
    @discardableResult
    public func put(_ data: [UInt8], as cid: CID) throws(BlockStoreError) -> Bool {
        guard cid.multihash.matches(data) else { throw .hashMismatch(cid) }
        return try putHashed(data, as: cid)
    }

    /// Stores a block whose CID the caller has just computed from these very bytes (an importer's output),
    /// without hashing them a second time. Never use it for bytes that came with a CID from elsewhere.
    @discardableResult
    public func putHashed(_ data: [UInt8], as cid: CID) throws(BlockStoreError) -> Bool {
        let inserted = try writing { connection in try insert(data, as: cid, on: connection) }
        if inserted { try afterInsert(bytes: data.count, checkingQuotaNow: true) }
        return inserted
    }

    /// Inserts a block (whose CID the caller computed from these bytes) inside the caller's write transaction on
    /// this store's database, so it commits together with the caller's own rows; call `afterInsert` once that
    /// transaction committed. Returns whether a new block was written.
    public func insert(_ data: [UInt8], as cid: CID, on connection: Connection) throws -> Bool {
        guard data.count <= settings.maxBlockBytes else {
            throw BlockStoreError.blockTooLarge(size: data.count, limit: settings.maxBlockBytes)
        }
        if cid.multihash.function == .identity { return false }
        let key = cid.multihash.bytes
        let now = clock()
        try connection.execute(
            Self.insertBlock, [.blob(key), .integer(Int64(data.count)), .integer(now), .blob(data)])
        guard connection.changes == 1 else {
            try connection.execute(
                Self.touchStaleBlock,
                [.integer(now), .blob(key), .integer(now - settings.lastUsedResolutionMilliseconds)])
            return false
        }
        try connection.execute(Self.countNewBlock, [.integer(Int64(data.count))])
        return true
    }

    // The statements of `insert` (every task writes its blocks with it), numbered.
    private static let insertBlock = SQL(
        "INSERT OR IGNORE INTO blocks (multihash, size, last_used, data) VALUES (?, ?, ?, ?)")
    /// A stored block's new last use, unless the recorded one is recent enough.
    private static let touchStaleBlock = SQL("UPDATE blocks SET last_used = ? WHERE multihash = ? AND last_used < ?")
    private static let countNewBlock = SQL("UPDATE block_totals SET blocks = blocks + 1, bytes = bytes + ?")

    /// Housekeeping after new blocks of `bytes` in all were committed: garbage collection when the block data
    /// is over its budget (`dataBudgetBytes`). Unless `checkingQuotaNow`, the budget is checked once per
    /// `quotaCheckBytes` written, so the small blocks of busy request paths do not each pay for a read. (The WAL
    /// the blocks went through is the database's to keep small: its checkpoints run on their own.)
    public func afterInsert(bytes: Int, checkingQuotaNow: Bool = false) throws(BlockStoreError) {
        guard let budget = dataBudgetBytes else { return }
        let pending = bytesSinceQuotaCheck.add(bytes, ordering: .relaxed).newValue
        guard checkingQuotaNow || pending >= Self.quotaCheckBytes else { return }
        bytesSinceQuotaCheck.store(0, ordering: .relaxed)
        if try storedBytes() > budget {
            try collectGarbage(downTo: Int64(Double(budget) * settings.collectionTarget))
        }
    }

    /// The most bytes of block data kept: the quota less twice the database's WAL limit, since every block
    /// passes through the WAL and the quota bounds the store's whole footprint on disk (the WAL stays under its
    /// limit between checkpoints, and may reach about twice it while one runs under heavy writes); nil when there
    /// is no quota.
    public var dataBudgetBytes: Int64? {
        settings.quotaBytes.map { max(0, $0 - 2 * database.walLimitBytes) }
    }

    /// Stores `data` under its sha2-256 CIDv1 with `codec` and returns the CID.
    @discardableResult
    public func put(_ data: [UInt8], codec: Multicodec = .raw) throws(BlockStoreError) -> CID {
        let cid: CID
        do { cid = try CID.sha256(data, codec: codec) } catch { throw .storage("\(error)") }
        try putHashed(data, as: cid)  // just hashed: no second hash to check it
        return cid
    }

    /// The block's bytes, or nil when it is not stored.
    public func get(_ cid: CID) throws(BlockStoreError) -> [UInt8]? {
        if cid.multihash.function == .identity { return cid.multihash.digest }
        let key = cid.multihash.bytes
        let now = clock()
        let generation: UInt64
        switch hot.withLock({ $0.lookup(key, now: now) }) {
        case .hit(let data):
            touches.withLock { $0[key] = now }
            return data
        case .miss(let current):
            generation = current
        }
        let data = try reading { connection in
            try connection.queryFirst("SELECT data FROM blocks WHERE multihash = ?", [.blob(key)])?.blob("data")
        }
        if let data {
            hot.withLock { $0.keep(data, for: key, generation: generation, now: now) }
            touches.withLock { $0[key] = now }
        }
        return data
    }

    /// Whether the block is stored (identity CIDs always are).
    public func has(_ cid: CID) throws(BlockStoreError) -> Bool {
        try size(of: cid) != nil
    }

    /// The block's size in bytes, or nil when it is not stored.
    public func size(of cid: CID) throws(BlockStoreError) -> Int? {
        if cid.multihash.function == .identity { return cid.multihash.digest.count }
        let key = cid.multihash.bytes
        return try reading { connection in
            try connection.queryFirst("SELECT size FROM blocks WHERE multihash = ?", [.blob(key)])?.int("size")
                .map(Int.init)
        }
    }

    /// Deletes an unpinned block; returns whether it was stored.
    @discardableResult
    public func delete(_ cid: CID) throws(BlockStoreError) -> Bool {
        if try protectedKeys().contains(cid.multihash.bytes) { throw .pinned(cid) }
        return try deleteBlocks(keys: [cid.multihash.bytes]) > 0
    }

    /// Bytes of block data stored (the totals row alone: what quota checks and collection need).
    private func storedBytes() throws(BlockStoreError) -> Int64 {
        try reading { connection in try connection.queryFirst("SELECT bytes FROM block_totals")?.int("bytes") ?? 0 }
    }

    /// Counts and sizes.
    public func stats() throws(BlockStoreError) -> Stats {
        try reading { connection in
            let totals = try connection.queryFirst("SELECT blocks, bytes FROM block_totals")
            let pins = try connection.queryFirst("SELECT count(*) AS n FROM pins")?.int("n") ?? 0
            return Stats(
                blocks: totals?.int("blocks") ?? 0, bytes: totals?.int("bytes") ?? 0, pins: pins,
                quotaBytes: settings.quotaBytes)
        }
    }

    // MARK: Pins

    /// Pins `cid`: its root must be stored, and for a recursive pin every block it links to, transitively.
    /// `checkingBlocks: false` skips that check, for a DAG the caller has just stored whole.
    public func pin(_ cid: CID, recursive: Bool, checkingBlocks: Bool = true) throws(BlockStoreError) {
        if checkingBlocks {
            let missing = recursive ? try walk(from: [cid]).missing : (try has(cid) ? [] : [cid])
            guard missing.isEmpty else { throw .missingBlocks(missing) }
        }
        let now = clock()
        try writing { connection in
            try connection.execute(
                """
                INSERT INTO pins (cid, recursive, created_at) VALUES (?, ?, ?)
                ON CONFLICT (cid) DO UPDATE SET recursive = max(recursive, excluded.recursive)
                """,
                [.blob(cid.v1.bytes), .integer(recursive ? 1 : 0), .integer(now)])
        }
    }

    /// Removes the pin on `cid`; returns whether there was one. The blocks stay until collected.
    @discardableResult
    public func unpin(_ cid: CID) throws(BlockStoreError) -> Bool {
        try writing { connection in
            try connection.execute("DELETE FROM pins WHERE cid = ?", [.blob(cid.v1.bytes)])
            return connection.changes > 0
        }
    }

    /// Every pin, oldest first.
    public func pins() throws(BlockStoreError) -> [Pin] {
        let rows = try reading { connection in
            try connection.query("SELECT cid, recursive, created_at FROM pins ORDER BY created_at, cid")
        }
        return rows.compactMap { row in
            guard let bytes = row.blob("cid"), let cid = try? CID(bytes: bytes) else { return nil }
            return Pin(cid: cid, recursive: row.int("recursive") == 1, createdAt: row.int("created_at") ?? 0)
        }
    }

    // MARK: Garbage collection

    /// Deletes unpinned blocks, least recently used first, until the stored bytes are at most `target`
    /// (or only pinned blocks are left).
    @discardableResult
    public func collectGarbage(downTo target: Int64 = 0) throws(BlockStoreError) -> Collection {
        let protected = try protectedKeys()
        var result = Collection(removedBlocks: 0, removedBytes: 0)
        var afterID: (lastUsed: Int64, id: Int64) = (.min, .min)
        while case let stored = try storedBytes(), stored > target {
            let batch = try reading { connection in
                try connection.query(
                    """
                    SELECT id, multihash, size, last_used FROM blocks
                    WHERE (last_used, id) > (?, ?) ORDER BY last_used, id LIMIT 256
                    """, [.integer(afterID.lastUsed), .integer(afterID.id)])
            }
            guard let last = batch.last else { break }
            afterID = (last.int("last_used") ?? 0, last.int("id") ?? 0)
            var excess = stored - target
            var victims: [[UInt8]] = []
            for row in batch where excess > 0 {
                guard let key = row.blob("multihash"), !protected.contains(key) else { continue }
                victims.append(key)
                excess -= row.int("size") ?? 0
            }
            let removed = try deleteBlocks(keys: victims)
            result.removedBlocks += victims.count
            result.removedBytes += removed
        }
        return result
    }

    /// The multihash keys of every pinned block: direct pins and everything reachable from recursive pins.
    func protectedKeys() throws(BlockStoreError) -> Set<[UInt8]> {
        let current = try pins()
        var keys = Set(current.filter { !$0.recursive }.map(\.cid.multihash.bytes))
        keys.formUnion(try walk(from: current.filter(\.recursive).map(\.cid)).present)
        return keys
    }

    /// Breadth-first walk over DAG links from `roots`: the keys of the blocks found, and the CIDs missing.
    func walk(from roots: [CID]) throws(BlockStoreError) -> (present: Set<[UInt8]>, missing: [CID]) {
        var present = Set<[UInt8]>()
        var missing: [CID] = []
        var queue = roots
        var index = 0
        while index < queue.count {
            let cid = queue[index]
            index += 1
            let key = cid.multihash.bytes
            guard !present.contains(key) else { continue }
            // Only blocks with links are read; for the rest (raw leaves) knowing they are stored is enough.
            guard DAGLinks.mayHaveLinks(cid) else {
                if try has(cid) { present.insert(key) } else { missing.append(cid) }
                continue
            }
            guard let block = try get(cid) else {
                missing.append(cid)
                continue
            }
            present.insert(key)
            do { queue += try DAGLinks.links(of: cid, block: block) } catch { throw .corruptBlock(cid, "\(error)") }
        }
        return (present, missing)
    }

    // MARK: Database access

    /// Deletes the blocks in one transaction, then empties the in-memory cache; returns the bytes removed.
    private func deleteBlocks(keys: [[UInt8]]) throws(BlockStoreError) -> Int64 {
        defer { hot.withLock { $0.removeAll() } }
        return try writing { connection in try Self.deleteBlocks(keys: keys, on: connection) }
    }

    private static func deleteBlocks(keys: [[UInt8]], on connection: Connection) throws -> Int64 {
        var bytes: Int64 = 0
        for key in keys {
            guard
                let size = try connection.queryFirst("SELECT size FROM blocks WHERE multihash = ?", [.blob(key)])?
                    .int("size")
            else { continue }
            try connection.execute("DELETE FROM blocks WHERE multihash = ?", [.blob(key)])
            try connection.execute("UPDATE block_totals SET blocks = blocks - 1, bytes = bytes - ?", [.integer(size)])
            bytes += size
        }
        return bytes
    }

    /// Runs `body` in a write transaction after applying the pending read touches.
    func writing<T>(_ body: (Connection) throws -> T) throws(BlockStoreError) -> T {
        let pending = touches.withLock { touched in
            defer { touched.removeAll() }
            return touched
        }
        do {
            return try database.write { connection in
                for (key, time) in pending {
                    try connection.execute(
                        "UPDATE blocks SET last_used = max(last_used, ?) WHERE multihash = ?",
                        [.integer(time), .blob(key)])
                }
                return try body(connection)
            }
        } catch let error as BlockStoreError {
            throw error
        } catch let error as SQLiteError where error.code.primary == .full {
            throw .storageFull
        } catch {
            throw .storage("\(error)")
        }
    }

    private func reading<T>(_ body: (Connection) throws -> T) throws(BlockStoreError) -> T {
        do {
            return try database.read(body)
        } catch {
            throw .storage("\(error)")
        }
    }
}
