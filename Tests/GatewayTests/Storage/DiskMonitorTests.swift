import Cache
import JSON
import SQLite
import Synchronization
import Testing

@testable import Gateway

/// The state directory's disk: sizes for status and metrics, and "full" for `/readyz` (free space under the floor,
/// or the last write failed with `SQLITE_FULL`) and its recovery.
@Suite struct DiskMonitorTests {
    /// A free-space probe the test sets (the real one is `statvfs`, checked below and by the acceptance test on a
    /// real tmpfs).
    final class FakeDisk: Sendable {
        let free = Mutex<Int64?>(100 << 20)
        var probe: @Sendable (String) -> Int64? { { _ in self.free.withLock { $0 } } }
    }

    @Test func freeSpaceUnderTheFloorIsFullUntilSpaceComesBack() throws {
        let directory = try StorageTestDirectory()
        let database = try Database(path: directory.path + "/edge.sqlite3")
        let disk = FakeDisk()
        let monitor = DiskMonitor(
            database: database, directory: directory.path, minFreeBytes: 8 << 20, freeBytes: disk.probe)
        #expect(monitor.fullReason() == nil)
        disk.free.withLock { $0 = (8 << 20) - 1 }
        #expect(monitor.fullReason()?.contains("below min_free_bytes (8388608)") == true)
        #expect(monitor.snapshot().json["disk_full"] == .bool(true))
        disk.free.withLock { $0 = 8 << 20 }
        #expect(monitor.fullReason() == nil)
        // statvfs failing (nil) is not taken for a full disk.
        disk.free.withLock { $0 = nil }
        #expect(monitor.fullReason() == nil && monitor.snapshot().json["free_bytes"] == .null)
    }

    @Test func aWriteRefusedForSpaceIsFullUntilAWriteCommitsOrSpaceGrows() throws {
        let directory = try StorageTestDirectory()
        let database = try Database(path: directory.path + "/edge.sqlite3")
        try database.write { try $0.execute("CREATE TABLE t (v BLOB)") }
        let disk = FakeDisk()
        let monitor = DiskMonitor(database: database, directory: directory.path, minFreeBytes: 0, freeBytes: disk.probe)
        // `max_page_count` makes SQLite refuse the write with SQLITE_FULL, as a full disk does.
        let pages = try database.write { try $0.queryFirst("PRAGMA page_count")?.int("page_count") } ?? 0
        try database.write { try $0.execute("PRAGMA max_page_count = \(pages + 2)") }
        func refusedWrite() {
            #expect(throws: SQLiteError.self) {
                try database.write {
                    try $0.execute("INSERT INTO t VALUES (?)", [.blob(Array(repeating: 7, count: 65_536))])
                }
            }
        }
        refusedWrite()
        #expect(monitor.fullReason()?.contains("SQLITE_FULL") == true)
        // Freed space below the recovery margin (1 MiB here) is not enough.
        disk.free.withLock { $0 = (100 << 20) + (1 << 20) - 1 }
        #expect(monitor.fullReason() != nil)
        disk.free.withLock { $0 = (101 << 20) }
        #expect(monitor.fullReason() == nil)
        // A new refusal counts from the free space when it is seen.
        refusedWrite()
        #expect(monitor.fullReason() != nil)
        // A write that commits clears it whatever the free space.
        try database.write { try $0.execute("PRAGMA max_page_count = 1000000") }
        #expect(monitor.fullReason() == nil)
    }

    @Test func readinessNamesWhyItIsNotReady() throws {
        let directory = try StorageTestDirectory()
        let disk = FakeDisk()
        let monitor = DiskMonitor(
            database: try Database(path: directory.path + "/edge.sqlite3"), directory: directory.path,
            minFreeBytes: 1 << 20, freeBytes: disk.probe)
        let readiness = Readiness(disk: monitor)
        #expect(readiness.notReadyReason == "starting or shutting down" && !readiness.isReady)
        readiness.set(true)
        #expect(readiness.isReady)
        disk.free.withLock { $0 = 0 }
        #expect(!readiness.isReady && readiness.notReadyReason?.hasPrefix("disk full") == true)
        disk.free.withLock { $0 = 2 << 20 }
        #expect(readiness.isReady)
        #expect(Readiness().notReadyReason != nil)
    }

    @Test func sizesAndGaugesComeFromTheFilesOnDisk() throws {
        let directory = try StorageTestDirectory()
        let database = try Database(path: directory.path + "/edge.sqlite3")
        try database.write { try $0.execute("CREATE TABLE t (v BLOB)") }
        try database.write { try $0.execute("INSERT INTO t VALUES (?)", [.blob(Array(repeating: 1, count: 100_000))]) }
        let monitor = DiskMonitor(database: database, directory: directory.path, minFreeBytes: 0)
        let snapshot = monitor.snapshot()
        // Not checkpointed yet: the 100 KB are in the WAL.
        #expect(snapshot.files.wal >= 100_000 && snapshot.files.database > 0 && snapshot.files.sharedMemory > 0)
        #expect(snapshot.freeBytes.map { $0 > 0 } == true)  // the real statvfs
        #expect(snapshot.json["wal_limit_bytes"] == .int(Database.defaultWALLimitBytes))
        #expect(snapshot.json["wal_bytes"] == .int(snapshot.files.wal))
        let gauges = Dictionary(uniqueKeysWithValues: snapshot.gauges.map { ($0.name, $0.value) })
        #expect(gauges["cortensor_edge_wal_bytes"] == Double(snapshot.files.wal))
        #expect(gauges["cortensor_edge_database_bytes"] == Double(snapshot.files.database))
        #expect(gauges["cortensor_edge_disk_full"] == 0 && gauges["cortensor_edge_disk_free_bytes"] != nil)
        #expect(freeBytes(onFilesystemOf: directory.path + "/missing/dir") == nil)
    }

    /// The quota includes the WAL: the WAL gets at most an eighth of it, and block data twice that less.
    static let walLimits: [(configured: Int64, quota: Int64?, expected: Int64)] = [
        (16 << 20, nil, 16 << 20), (16 << 20, 10 << 20, 10 << 17), (16 << 20, 1 << 30, 16 << 20),
        (16 << 20, 1 << 20, 1 << 20),
    ]

    @Test(arguments: walLimits)
    func walLimitUnderAQuota(configured: Int64, quota: Int64?, expected: Int64) {
        #expect(EdgeStore.walLimit(configured: configured, quotaBytes: quota) == expected)
    }

    @Test func theBlockStoreLeavesRoomForTheWALInItsQuota() throws {
        let directory = try StorageTestDirectory()
        var config = EdgeConfig()
        config.stateDirectory = directory.path
        config.ipfs.quotaBytes = 10 << 20
        let store = try EdgeStore(config: config)
        #expect(store.database.walLimitBytes == 10 << 17)
        let budget: Int64 = (10 << 20) - 2 * (10 << 17)
        #expect(store.blocks.dataBudgetBytes == budget)
        config.ipfs.quotaBytes = 0
        config.stateDirectory = directory.path + "/other"
        #expect(try EdgeStore(config: config).blocks.dataBudgetBytes == nil)
    }
}
