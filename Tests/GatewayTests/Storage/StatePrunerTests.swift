import Cache
import JSON
import SQLite
import Synchronization
import System
import Testing

@testable import Gateway

/// Task retention and the state cap, on a real database file with a clock the test moves (days in microseconds):
/// age and count each prune the oldest tasks, a pruned task reads as pruned while an id never issued does not,
/// blocks go with their tasks unless pinned or shared, and a cap with everything pinned refuses writes, keeps
/// reads, and recovers once a pin goes.
@Suite struct StatePrunerTests {
    static let day: Int64 = 86_400

    /// The clock the test moves, in Unix seconds.
    final class TestClock: Sendable {
        let value = Mutex<Int64>(1_800_000_000)
        func withLock<T>(_ body: (inout Int64) -> T) -> T { value.withLock { body(&$0) } }
    }

    /// A store on a temporary directory whose clock (Unix seconds) the test sets.
    struct Fixture {
        let directory: StorageTestDirectory
        let store: EdgeStore
        let writer: TaskWriter
        let seconds = TestClock()

        init() throws {
            directory = try StorageTestDirectory()
            let seconds = self.seconds
            store = try EdgeStore(
                database: Database(path: directory.path + "/edge.sqlite3"),
                clock: { seconds.withLock { $0 } * 1000 })
            writer = TaskWriter(store: store.tasks, blocks: store.blocks)
        }

        func pruner(_ settings: StatePruner.Settings, disk: DiskMonitor? = nil) -> StatePruner {
            let seconds = self.seconds
            return StatePruner(store: store, settings: settings, disk: disk, clock: { seconds.withLock { $0 } })
        }

        var now: Int64 { seconds.withLock { $0 } }
        func advance(days: Int64) { seconds.withLock { $0 += days * StatePrunerTests.day } }

        /// A done task with a request block of its own and a result block holding `result`.
        @discardableResult
        func complete(session: Int = 0, request: String, result: String = "same answer") async throws -> TaskRecord {
            try await writer.createCompletedTask(
                sessionID: session, miner: "m1", promptHash: TaskStore.promptHash(of: request.utf8),
                clientReference: nil, now: now, resultData: result,
                request: TaskWriter.rawBlock(["prompt": .string(request)]),
                result: TaskWriter.rawBlock(TaskRecorder.resultBlock(miners: ["m1"], texts: [result])))
        }

        func has(_ cid: String?) throws -> Bool { try store.blocks.has(try CID(cid ?? "")) }
    }

    static let onlyAge = StatePruner.Settings(keepDays: 30, keepMax: 0, keepBytes: 0)

    @Test func ageRetentionPrunesTasksOlderThanKeepDaysAsTheClockMoves() async throws {
        let fixture = try Fixture()
        var old: [TaskRecord] = []
        for i in 0..<10 { old.append(try await fixture.complete(request: "old \(i)", result: "old answer \(i)")) }
        fixture.advance(days: 20)
        var recent: [TaskRecord] = []
        for i in 0..<5 { recent.append(try await fixture.complete(request: "recent \(i)")) }
        let pruner = fixture.pruner(Self.onlyAge)

        fixture.advance(days: 5)  // the old tasks are 25 days old: kept
        #expect(try pruner.runPass().prunedTasks == 0)
        fixture.advance(days: 6)  // 31 days: gone, with their blocks
        let report = try pruner.runPass()
        #expect(report.prunedTasks == 10)
        #expect(report.releasedBlockBytes > 0)
        for task in old {
            #expect(try fixture.store.tasks.task(sessionID: 0, taskID: task.taskID) == nil)
            #expect(try fixture.store.tasks.wasPruned(sessionID: 0, taskID: task.taskID))
            #expect(try !fixture.has(task.requestCID) && !fixture.has(task.resultCID))
        }
        for task in recent {
            #expect(try fixture.store.tasks.task(sessionID: 0, taskID: task.taskID) == task)
            #expect(try fixture.has(task.requestCID) && fixture.has(task.resultCID))
        }
        // An id never issued is not "pruned": it stays a plain not-found.
        #expect(try !fixture.store.tasks.wasPruned(sessionID: 0, taskID: 15))
        #expect(try !fixture.store.tasks.wasPruned(sessionID: 7, taskID: 0))

        // Much later every task is expired, but the session's newest stays: the next id continues after it.
        fixture.advance(days: 100)
        #expect(try pruner.runPass().prunedTasks == 4)
        #expect(try fixture.store.tasks.count(sessionID: 0) == 1)
        #expect(try await fixture.complete(request: "next").taskID == 15)
    }

    @Test func countRetentionKeepsTheNewestKeepMaxOverAllSessions() async throws {
        let fixture = try Fixture()
        // 2 sessions × 30 tasks, alternating, one second apart: the oldest 40 of 60 go.
        var all: [TaskRecord] = []
        for i in 0..<60 {
            all.append(try await fixture.complete(session: i % 2, request: "task \(i)", result: "answer \(i)"))
            fixture.seconds.withLock { $0 += 1 }
        }
        let pruner = fixture.pruner(StatePruner.Settings(keepDays: 0, keepMax: 20, keepBytes: 0))
        #expect(try pruner.runPass().prunedTasks == 40)
        for (index, task) in all.enumerated() {
            let kept = try fixture.store.tasks.task(sessionID: task.sessionID, taskID: task.taskID) != nil
            #expect(kept == (index >= 40), "task \(index)")
            #expect(try fixture.store.tasks.wasPruned(sessionID: task.sessionID, taskID: task.taskID) == !kept)
        }
        #expect(try pruner.runPass().prunedTasks == 0)
        #expect(pruner.footprint.tasks == 20)
    }

    @Test func blocksStillUsedOrPinnedStayWhenTheirTaskGoes() async throws {
        let fixture = try Fixture()
        let pinned = try await fixture.complete(request: "pinned request", result: "shared")
        try fixture.store.blocks.pin(try CID(pinned.requestCID ?? ""), recursive: false)
        fixture.advance(days: 1)
        let shared = try await fixture.complete(request: "other", result: "shared")
        _ = try await fixture.complete(request: "newest", result: "newest")
        let pruner = fixture.pruner(StatePruner.Settings(keepDays: 0, keepMax: 2, keepBytes: 0))
        #expect(try pruner.runPass().prunedTasks == 1)
        #expect(try fixture.has(pinned.requestCID))  // pinned
        #expect(try fixture.has(pinned.resultCID))  // the kept task `shared` has the same result block
        #expect(pinned.resultCID == shared.resultCID)
    }

    @Test func theCapWithEverythingPinnedRefusesWritesKeepsReadsAndRecoversWhenAPinGoes() async throws {
        let fixture = try Fixture()
        let budget: Int64 = 2 << 20
        let monitor = DiskMonitor(
            database: fixture.store.database, directory: fixture.directory.path, minFreeBytes: 0)
        let pruner = fixture.pruner(
            StatePruner.Settings(keepDays: 0, keepMax: 0, keepBytes: 0, maxBytes: budget, fileBudgetBytes: budget),
            disk: monitor)
        try pruner.start(interval: .seconds(3600))  // puts the cap in force; the passes below are run by hand
        pruner.stop()
        let task = try await fixture.complete(request: "before the cap")
        // Pinned 64 KiB blocks until the database refuses to grow (at most 64 of them: 4 MiB).
        var cids: [CID] = []
        var refusal: BlockStoreError?
        for i in 0..<64 where refusal == nil {
            do {
                let cid = try fixture.store.blocks.put([UInt8](repeating: UInt8(i), count: 64 << 10))
                try fixture.store.blocks.pin(cid, recursive: false)
                cids.append(cid)
            } catch { refusal = error }
        }
        #expect(refusal == .storageFull)
        #expect(cids.count >= 20)
        let full = try pruner.runPass()
        #expect(full.capReached)
        #expect(monitor.fullReason()?.contains("max_bytes") == true)
        // Writes are refused with a storage error the API answers 507; reads are served.
        let large = String(repeating: "x", count: 64 << 10)
        await #expect(throws: SQLiteError.self) { try await fixture.complete(request: large) }
        #expect(try fixture.store.tasks.task(sessionID: 0, taskID: task.taskID) == task)
        #expect(try fixture.store.blocks.get(cids[0]) == [UInt8](repeating: 0, count: 64 << 10))
        // Unpinning half lets the pass collect them; writes work again and /readyz is ready.
        for cid in cids.prefix(cids.count / 2) { try fixture.store.blocks.unpin(cid) }
        #expect(try !pruner.runPass().capReached)
        #expect(monitor.fullReason() == nil)
        _ = try await fixture.complete(request: "after")
        #expect(fixture.store.database.fileSizes().database <= budget)
    }
}
