/// Blocks read recently, kept in memory for a short while so a popular block costs no SQLite read transaction
/// (two `fcntl` locks and an `fstat` each; about a third of the CPU time of a raw-block GET through the gateway).
///
/// Blocks are immutable, so the only way an entry goes stale is a delete. This process's deletes empty the cache
/// after they commit, and a read that raced with one does not keep what it read (the generation changed). A delete
/// by another process sharing the database (the CLI's `ipfs gc`) is seen here at most `lifetime` late. Misses are
/// not remembered, so a block added anywhere is found at once.
///
/// Bounded by bytes and entries; when full, expired entries are dropped and a new block is not kept until there is
/// room (fresh entries are never pushed out, and everything expires within a lifetime).
struct HotBlocks {
    /// What is kept and for how long.
    struct Limits: Sendable, Equatable {
        /// Most bytes of block data held; 0 switches the cache off.
        var maxBytes = 1 << 20
        /// Most blocks held.
        var maxEntries = 1024
        /// Larger blocks are never kept.
        var maxBlockBytes = 64 << 10
        /// How long an entry is served after it was read from the database, in milliseconds.
        var lifetimeMilliseconds: Int64 = 1000
    }

    /// The outcome of a lookup.
    enum Lookup: Equatable {
        /// The block, fresh.
        case hit([UInt8])
        /// Not here: read the database, then `keep` the block with this generation.
        case miss(generation: UInt64)
    }

    private struct Entry {
        var data: [UInt8]
        var readAt: Int64
    }

    let limits: Limits
    private var entries: [[UInt8]: Entry] = [:]
    private var bytes = 0
    private var oldestReadAt = Int64.max
    private var generation: UInt64 = 0

    init(limits: Limits) {
        self.limits = limits
    }

    /// Bytes of block data held (tests check the bound).
    var heldBytes: Int { bytes }

    /// The block under `key` if it is here and fresh at `now` (milliseconds).
    mutating func lookup(_ key: [UInt8], now: Int64) -> Lookup {
        guard let entry = entries[key] else { return .miss(generation: generation) }
        guard isFresh(entry, now: now) else {
            remove(key)
            return .miss(generation: generation)
        }
        return .hit(entry.data)
    }

    /// Keeps a block just read from the database, unless a delete happened since its lookup, it is too large, or
    /// there is no room even after dropping expired entries.
    mutating func keep(_ data: [UInt8], for key: [UInt8], generation readGeneration: UInt64, now: Int64) {
        guard readGeneration == generation, entries[key] == nil, data.count <= limits.maxBlockBytes else { return }
        if !hasRoom(for: data.count) { dropExpired(now: now) }
        guard hasRoom(for: data.count) else { return }
        entries[key] = Entry(data: data, readAt: now)
        bytes += data.count
        oldestReadAt = min(oldestReadAt, now)
    }

    /// Forgets everything; reads that looked up before this do not keep what they read.
    mutating func removeAll() {
        generation &+= 1
        entries = [:]
        bytes = 0
        oldestReadAt = .max
    }

    private func isFresh(_ entry: Entry, now: Int64) -> Bool {
        // A clock that went back counts as expiry, so an entry never outlives its lifetime.
        now >= entry.readAt && now - entry.readAt < limits.lifetimeMilliseconds
    }

    private func hasRoom(for count: Int) -> Bool {
        bytes + count <= limits.maxBytes && entries.count < limits.maxEntries
    }

    private mutating func remove(_ key: [UInt8]) {
        guard let entry = entries.removeValue(forKey: key) else { return }
        bytes -= entry.data.count
    }

    /// Drops expired entries; a scan only when the oldest entry may have expired.
    private mutating func dropExpired(now: Int64) {
        guard now < oldestReadAt || now - oldestReadAt >= limits.lifetimeMilliseconds else { return }
        entries = entries.filter { isFresh($0.value, now: now) }
        bytes = entries.values.reduce(0) { $0 + $1.data.count }
        oldestReadAt = entries.values.map(\.readAt).min() ?? .max
    }
}
