import JSON
public import SQLite
import Synchronization

/// The state directory's disk as the router sees it: the database's file sizes (for `/api/v1/status` and
/// `/metrics`) and whether the disk is full (for `/readyz`).
///
/// Full means either that the filesystem has less than `minFreeBytes` free, or that the last database write
/// failed with `SQLITE_FULL`. The second clears when a write commits, or when the free space has grown by
/// `recoveryBytes` since the failure was first seen: a load balancer that stops sending traffic to a full router
/// would otherwise never let it prove that space came back.
public final class DiskMonitor: Sendable {
    /// What the monitor reads.
    public struct Snapshot: Sendable, Equatable {
        /// The database's files.
        public var files: Database.FileSizes
        /// The size the WAL is kept near (`Database.walLimitBytes`).
        public var walLimitBytes: Int64
        /// Free bytes on the state directory's filesystem; nil when `statvfs` failed.
        public var freeBytes: Int64?
        /// Why the disk counts as full, or nil.
        public var fullReason: String?
    }

    private let database: Database
    private let directory: String
    /// Free bytes below which the disk counts as full.
    public let minFreeBytes: Int64
    private let probe: @Sendable (String) -> Int64?
    /// Why the state is at `[state] max_bytes` with nothing left to free, as the pruner last found (or nil).
    private let capacity = Mutex<String?>(nil)
    /// The database's failed-write count and the free bytes when that failure was first seen.
    private let failureMark = Mutex<(writes: Int, freeBytes: Int64)?>(nil)

    /// Growth of free space, after a write failed for want of it, that counts as recovered (or `minFreeBytes`
    /// when larger).
    static let recoveryBytes: Int64 = 1 << 20

    /// A monitor of `database`, whose files live in `directory`; `freeBytes` reads a filesystem's free space
    /// (`statvfs` unless a test gives another).
    public init(
        database: Database, directory: String, minFreeBytes: Int64,
        freeBytes: @escaping @Sendable (String) -> Int64? = { freeBytes(onFilesystemOf: $0) }
    ) {
        self.database = database
        self.directory = directory
        self.minFreeBytes = minFreeBytes
        self.probe = freeBytes
    }

    /// Sizes, free space and fullness now: three `stat`s and a `statvfs`.
    public func snapshot() -> Snapshot {
        let free = probe(directory)
        return Snapshot(
            files: database.fileSizes(), walLimitBytes: database.walLimitBytes, freeBytes: free,
            fullReason: fullReason(freeBytes: free))
    }

    /// Why the disk counts as full, or nil: one `statvfs`, cheap enough for every `/readyz`.
    public func fullReason() -> String? {
        fullReason(freeBytes: probe(directory))
    }

    /// Set by `StatePruner` after each pass: why the state is at its cap with nothing left to free, or nil.
    public func setCapacityReason(_ reason: String?) {
        capacity.withLock { $0 = reason }
    }

    private func fullReason(freeBytes free: Int64?) -> String? {
        if let free, free < minFreeBytes {
            return "disk full: \(free) bytes free in the state directory, below min_free_bytes (\(minFreeBytes))"
        }
        if let reason = capacity.withLock({ $0 }) { return reason }
        guard database.lastWriteFoundDiskFull else {
            failureMark.withLock { $0 = nil }
            return nil
        }
        let writes = database.diskFullWrites
        let mark = failureMark.withLock { mark in
            if mark?.writes != writes { mark = (writes, free ?? 0) }
            return mark?.freeBytes ?? 0
        }
        if let free, free - mark >= max(minFreeBytes, Self.recoveryBytes) { return nil }
        return "disk full: the last database write failed (SQLITE_FULL)"
    }
}

extension DiskMonitor.Snapshot {
    /// The `storage` object of `/api/v1/status`: sizes in bytes, the WAL's limit, free space (null when unknown),
    /// and fullness.
    var json: JSONValue {
        [
            "database_bytes": .int(files.database), "wal_bytes": .int(files.wal), "shm_bytes": .int(files.sharedMemory),
            "wal_limit_bytes": .int(walLimitBytes),
            "free_bytes": freeBytes.map(JSONValue.int) ?? .null, "disk_full": .bool(fullReason != nil),
        ]
    }

    /// The Prometheus gauges of these figures (free space left out when unknown).
    var gauges: [(name: String, help: String, value: Double)] {
        var gauges = [
            ("cortensor_edge_database_bytes", "Size of the SQLite database file.", Double(files.database)),
            ("cortensor_edge_wal_bytes", "Size of the database's write-ahead log.", Double(files.wal)),
            ("cortensor_edge_shm_bytes", "Size of the WAL's shared-memory index.", Double(files.sharedMemory)),
            ("cortensor_edge_disk_full", "1 while the state directory is out of space.", fullReason == nil ? 0 : 1),
        ]
        if let freeBytes {
            gauges.append(("cortensor_edge_disk_free_bytes", "Free bytes in the state directory.", Double(freeBytes)))
        }
        return gauges
    }
}
