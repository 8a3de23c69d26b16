import Testing

@testable import SQLite

/// The checkpoint policy as a value: when checkpoints start, when they hold writers, and that they never pile up.
@Suite struct WALCheckpointScheduleTests {
    /// 1 MiB of 4,096-byte pages: 254 frames, so a PASSIVE checkpoint per 63 frames and a RESTART from 127.
    static func schedule() -> WALCheckpointSchedule {
        WALCheckpointSchedule(limitBytes: 1 << 20, frameBytes: 4096 + 24)
    }

    @Test func thresholdsAreAQuarterAndAHalfOfTheLimit() {
        let schedule = Self.schedule()
        #expect(schedule.passiveFrames == 63 && schedule.restartFrames == 127)
        let tiny = WALCheckpointSchedule(limitBytes: 1, frameBytes: 4120)
        #expect(tiny.passiveFrames == 1 && tiny.restartFrames == 1)
    }

    /// Whether each commit (the WAL's frame count after it) starts a checkpoint.
    static func starts(_ schedule: inout WALCheckpointSchedule, afterCommits frames: [Int]) -> [Bool] {
        frames.map { schedule.committed(walFrames: $0) }
    }

    @Test func aCheckpointStartsOncePerQuarterOfGrowthAndNeverPilesUp() {
        var schedule = Self.schedule()
        // Running from 63 on: commits meanwhile start nothing, however far the WAL grows.
        #expect(Self.starts(&schedule, afterCommits: [62, 63, 100, 10_000]) == [false, true, false, false])
        #expect(schedule.isRunning)
    }

    @Test func aWALUnderHalfTheLimitIsOnlyCopiedAndGrowthCountsFromThere() {
        var schedule = Self.schedule()
        #expect(Self.starts(&schedule, afterCommits: [70]) == [true])
        let next = schedule.passiveEnded(walFrames: 80)
        #expect(next == .done && !schedule.isRunning && schedule.checkpointedFrames == 80)
        #expect(Self.starts(&schedule, afterCommits: [142, 143]) == [false, true])  // 62, then 63 frames of growth
    }

    @Test func aWALAtHalfTheLimitAfterThePassiveStepIsRestarted() {
        var schedule = Self.schedule()
        #expect(Self.starts(&schedule, afterCommits: [100]) == [true])
        let next = schedule.passiveEnded(walFrames: 127)
        #expect(next == .restart && schedule.isRunning)  // the RESTART step still belongs to this round
        #expect(Self.starts(&schedule, afterCommits: [200]) == [false])
        schedule.restartEnded(walFrames: 200)
        #expect(!schedule.isRunning)
        // The next commit starts the WAL over: fewer frames than checkpointed means growth counts from zero.
        #expect(Self.starts(&schedule, afterCommits: [5]) == [false])
        #expect(schedule.checkpointedFrames == 0)
        #expect(Self.starts(&schedule, afterCommits: [63]) == [true])
    }

    @Test func writersWaitOnlyWhileARoundRunsWithTheWALAtItsLimit() {
        var schedule = Self.schedule()
        #expect(schedule.limitFrames == 254)
        #expect(Self.starts(&schedule, afterCommits: [300]) == [true])
        #expect(schedule.holdsWriters)
        _ = schedule.passiveEnded(walFrames: 300)
        schedule.restartEnded(walFrames: 300)
        #expect(!schedule.holdsWriters)  // nothing running: nobody would end the wait
        #expect(Self.starts(&schedule, afterCommits: [310]) == [false])
        #expect(!schedule.holdsWriters)
        #expect(Self.starts(&schedule, afterCommits: [10, 73, 200]) == [false, true, false])
        #expect(!schedule.holdsWriters)  // running, under the limit
    }

    @Test func aRefusedRestartIsRetriedAfterMoreGrowthNotOnEveryCommit() {
        var schedule = Self.schedule()
        #expect(Self.starts(&schedule, afterCommits: [130]) == [true])
        let next = schedule.passiveEnded(walFrames: 130)
        #expect(next == .restart)
        schedule.restartEnded(walFrames: 0)  // failed before reading the WAL
        #expect(Self.starts(&schedule, afterCommits: [131, 192, 193]) == [false, false, true])
    }
}

/// The checkpoints on a real database file under writes that never pause.
@Suite struct WALCheckpointTests {
    /// 1,000 back-to-back commits of 16 KB (16 MB in all) with a 1 MiB WAL limit, on one thread with no pause
    /// (the load under which PASSIVE checkpoints alone never let the WAL start over, and which outruns the
    /// checkpoints: writers then wait for them). The WAL file stays within 2 MiB (the limit and a transaction)
    /// at every 10th commit and at the end, and at least one RESTART completed (waited for at most 10 s). Without
    /// the checkpointer the WAL would hold all 16 MB.
    @Test func theWALStaysNearItsLimitUnderBackToBackWrites() async throws {
        let directory = try TemporaryDirectory()
        let database = try Database(path: directory.file("busy.sqlite3"), walLimitBytes: 1 << 20)
        #expect(database.walLimitBytes == 1 << 20)
        try database.write { try $0.execute("CREATE TABLE t (v BLOB)") }
        var largestWAL: Int64 = 0
        for index in 0..<1000 {
            let payload = [UInt8](repeating: UInt8(truncatingIfNeeded: index), count: 16_000)
            try database.write { try $0.execute("INSERT INTO t (v) VALUES (?)", [.blob(payload)]) }
            if index % 10 == 0 { largestWAL = max(largestWAL, database.fileSizes().wal) }
        }
        largestWAL = max(largestWAL, database.fileSizes().wal)
        #expect(largestWAL > 0 && largestWAL <= 2 << 20, "WAL reached \(largestWAL) bytes")
        let counts = try await waitForRestart(database, seconds: 10)
        #expect(counts.restarts >= 1 && counts.passive >= counts.restarts)
        #expect(try database.read { try $0.queryFirst("SELECT count(*) AS n FROM t")?.int("n") } == 1000)
        let sizes = database.fileSizes()
        #expect(sizes.database + sizes.wal >= 16_000_000 && sizes.wal <= 2 << 20)
        #expect(sizes.total == sizes.database + sizes.wal + sizes.sharedMemory)
    }

    /// A limit under the minimum is raised to it (a checkpoint every few commits would cost more than it saves).
    @Test func theLimitHasAFloor() throws {
        let directory = try TemporaryDirectory()
        let database = try Database(path: directory.file("floor.sqlite3"), walLimitBytes: 1000)
        #expect(database.walLimitBytes == Database.minimumWALLimitBytes)
        let limit = try database.write { try $0.queryFirst("PRAGMA journal_size_limit")?.int("journal_size_limit") }
        #expect(limit == Database.minimumWALLimitBytes)
        #expect(try Database.inMemory().fileSizes() == .init(database: 0, wal: 0, sharedMemory: 0))
    }

    /// A write refused for want of space (`max_page_count` makes SQLite answer `SQLITE_FULL`, as a full disk
    /// does) is recorded until a write commits again.
    @Test func aFullDatabaseIsRecordedUntilAWriteCommits() throws {
        let directory = try TemporaryDirectory()
        let database = try Database(path: directory.file("full.sqlite3"))
        try database.write { try $0.execute("CREATE TABLE t (v BLOB)") }
        let pages = try database.write { try $0.queryFirst("PRAGMA page_count")?.int("page_count") } ?? 0
        try database.write { try $0.execute("PRAGMA max_page_count = \(pages + 2)") }
        #expect(!database.lastWriteFoundDiskFull && database.diskFullWrites == 0)
        let error = #expect(throws: SQLiteError.self) {
            try database.write {
                try $0.execute("INSERT INTO t (v) VALUES (?)", [.blob(Array(repeating: 1, count: 64_000))])
            }
        }
        #expect(error?.code == .full)
        #expect(database.lastWriteFoundDiskFull && database.diskFullWrites == 1)
        // Another kind of failure neither sets nor clears it.
        #expect(throws: SQLiteError.self) { try database.write { try $0.execute("INSERT INTO missing VALUES (1)") } }
        #expect(database.lastWriteFoundDiskFull && database.diskFullWrites == 1)
        try database.write { try $0.execute("PRAGMA max_page_count = 1000000") }
        #expect(!database.lastWriteFoundDiskFull && database.diskFullWrites == 1)
    }

    /// The checkpointer runs on its own queue: wait (bounded) for it to report a completed RESTART.
    private func waitForRestart(_ database: Database, seconds: Int) async throws -> WALCheckpointer.Counts {
        let deadline = ContinuousClock.now + .seconds(seconds)
        var counts = database.walCheckpointCounts
        while counts.restarts == 0 && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
            counts = database.walCheckpointCounts
        }
        return counts
    }
}
