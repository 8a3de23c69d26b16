import Cache
import JSON

/// What one pass of `StatePruner` did.
public struct PassReport: Sendable, Equatable {
    /// Tasks deleted.
    public var prunedTasks: Int
    /// Bytes of blocks deleted with them.
    public var releasedBlockBytes: Int64
    /// Whether the database is at its cap with nothing left to free.
    public var capReached: Bool
    /// Whether the pass stopped at its task limit with more to prune (the next one starts soon).
    public var hasMoreWork: Bool
}

/// The state directory's footprint by kind, as of the last pruner pass.
public struct StateFootprint: Sendable, Equatable {
    /// Tasks kept, over all sessions.
    public var tasks = 0
    /// Bytes of the task tables (tasks × the measured bytes per task).
    public var taskBytes: Int64 = 0
    /// Bytes of block data (tasks' requests and results, IPFS, cached completions).
    public var blockBytes: Int64 = 0
    /// Pins (direct and recursive) in the block store.
    public var pinnedBlocks: Int64 = 0
    /// Bytes of cached completions (blocks counted in `blockBytes` too).
    public var completionCacheBytes: Int64 = 0
    /// Bytes of database pages holding data.
    public var databaseUsedBytes: Int64 = 0
    /// Bytes of free pages inside the database file (reused first, then vacuumed).
    public var databaseFreeBytes: Int64 = 0
    /// The write-ahead log.
    public var walBytes: Int64 = 0
    /// The WAL's shared-memory index.
    public var sharedMemoryBytes: Int64 = 0
    /// Database, WAL and index together.
    public var totalBytes: Int64 = 0
    /// `[state] max_bytes`, when set.
    public var maxBytes: Int64?
    /// Whether the cap is reached with nothing left to free (writes get 507).
    public var capReached = false

    /// The `footprint` object of `/api/v1/status`.
    var json: JSONValue {
        [
            "tasks": .int(Int64(tasks)), "task_bytes": .int(taskBytes), "block_bytes": .int(blockBytes),
            "pinned_blocks": .int(pinnedBlocks), "completion_cache_bytes": .int(completionCacheBytes),
            "database_used_bytes": .int(databaseUsedBytes), "database_free_bytes": .int(databaseFreeBytes),
            "wal_bytes": .int(walBytes), "shm_bytes": .int(sharedMemoryBytes), "total_bytes": .int(totalBytes),
            "max_bytes": maxBytes.map(JSONValue.int) ?? .null, "storage_full": .bool(capReached),
        ]
    }

    /// Prometheus gauges: `cortensor_edge_state_bytes{kind=...}` and the task count.
    var gauges: [(name: String, help: String, value: Double)] {
        let help = "Bytes of the state directory by kind (tasks, blocks, completion_cache, free_pages)."
        var gauges: [(name: String, help: String, value: Double)] = [
            ("cortensor_edge_state_bytes{kind=\"tasks\"}", help, Double(taskBytes)),
            ("cortensor_edge_state_bytes{kind=\"blocks\"}", help, Double(blockBytes)),
            ("cortensor_edge_state_bytes{kind=\"completion_cache\"}", help, Double(completionCacheBytes)),
            ("cortensor_edge_state_bytes{kind=\"free_pages\"}", help, Double(databaseFreeBytes)),
            ("cortensor_edge_tasks_kept", "Tasks kept over all sessions.", Double(tasks)),
            (
                "cortensor_edge_storage_full", "1 while the state is at max_bytes with nothing left to free.",
                capReached ? 1 : 0
            ),
        ]
        if let maxBytes { gauges.append(("cortensor_edge_state_max_bytes", "[state] max_bytes.", Double(maxBytes))) }
        return gauges
    }
}

/// One pass's work in progress: what it pruned, and the block CIDs of pruned tasks waiting to be released.
struct PassRun {
    let store: EdgeStore
    /// Unix seconds at the start of the pass.
    let now: Int64
    var pruned = 0
    var releasedBytes: Int64 = 0
    private var candidates = Set<String>()
    /// Sessions whose oldest task cannot go now (open, or the newest): skipped for the rest of the pass.
    private var stuck = Set<Int>()

    /// Candidates gathered before their blocks are released (each release scans the tasks table once).
    static let releaseEvery = 8192
    /// Margin under the reference check's time for `BlockStore.release` (a write that read the clock just before
    /// the check may commit after it).
    static let releaseMarginMilliseconds: Int64 = 5000

    init(store: EdgeStore, now: Int64) {
        self.store = store
        self.now = now
    }

    /// Age retention for one session: its tasks created before `createdBefore`, in batches.
    mutating func prune(session: Int, createdBefore: Int64, counts: inout [Int: Int]) throws {
        // A read first: most passes find nothing that old, and need no write transaction for it.
        guard let oldest = try store.tasks.oldestCreatedAt(sessionID: session), oldest < createdBefore else { return }
        while pruned < StatePruner.maxTasksPerPass {
            let batch = try store.tasks.pruneOldest(
                sessionID: session, limit: StatePruner.batch, createdBefore: createdBefore, includingOpen: true)
            try record(batch, session: session, counts: &counts)
            if batch.count < StatePruner.batch { return }
        }
    }

    /// Prunes `count` tasks, oldest first over all sessions: each batch from the session whose oldest task is
    /// oldest, up to where another session's oldest task is older.
    mutating func pruneOldest(_ count: Int, counts: inout [Int: Int]) throws {
        var remaining = count
        while remaining > 0, pruned < StatePruner.maxTasksPerPass {
            var heads: [(session: Int, createdAt: Int64)] = []
            for (session, kept) in counts.sorted(by: { $0.key < $1.key }) where kept > 1 && !stuck.contains(session) {
                guard let createdAt = try store.tasks.oldestCreatedAt(sessionID: session) else { continue }
                heads.append((session, createdAt))
            }
            heads.sort { ($0.createdAt, $0.session) < ($1.createdAt, $1.session) }
            guard let oldest = heads.first else { return }
            let batch = try store.tasks.pruneOldest(
                sessionID: oldest.session, limit: min(StatePruner.batch, remaining),
                createdBefore: heads.dropFirst().first.map { $0.createdAt + 1 })
            if batch.count == 0 { stuck.insert(oldest.session) }
            try record(batch, session: oldest.session, counts: &counts)
            remaining -= batch.count
        }
    }

    private mutating func record(_ batch: TaskStore.PrunedTasks, session: Int, counts: inout [Int: Int]) throws {
        pruned += batch.count
        counts[session, default: 0] -= batch.count
        candidates.formUnion(batch.blockCIDs)
        if candidates.count >= Self.releaseEvery { try releaseBlocks() }
    }

    /// Deletes the gathered blocks that no remaining task uses and no pin protects.
    mutating func releaseBlocks() throws {
        guard !candidates.isEmpty else { return }
        let checkedAt = store.blocks.now() - Self.releaseMarginMilliseconds
        let unused = candidates.subtracting(try store.tasks.referencedCIDs(among: candidates))
        candidates.removeAll()
        releasedBytes += try store.blocks.release(unused.compactMap { try? CID($0) }, checkedAt: checkedAt).removedBytes
    }
}
