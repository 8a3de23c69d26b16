import Cache
import Dispatch
public import Log
import SQLite
import Synchronization
public import System

/// Keeps the state directory within its bounds, in the background and in small batches: task retention
/// (`[tasks] keep_days`, `keep_max`, `keep_bytes`) and the one cap over everything (`[state] max_bytes`).
///
/// The request path pays nothing: tasks are written as before and pruned here later, oldest first, 256 per
/// transaction (a few milliseconds of the writer's lock each). A pruned task's request and result blocks go with
/// it unless pinned or still used by another task. Under the cap, it prunes further and then collects unpinned
/// blocks; free pages go back to the filesystem by incremental vacuum. The cap itself is enforced by SQLite (a
/// page limit, `Database.limitFileSize`): a write that would pass it fails with `SQLITE_FULL`, which the API
/// answers 507, while reads and the deletes here go on. When nothing more can be freed (pinned blocks, each
/// session's newest task), `/readyz` says so through the disk monitor.
public final class StatePruner: Sendable {
    /// What to keep.
    public struct Settings: Sendable, Equatable {
        /// Tasks older than this many days go; 0 = no age limit.
        public var keepDays: Int
        /// Most tasks kept over all sessions; 0 = no count limit.
        public var keepMax: Int
        /// Most bytes of task rows kept (tables `tasks`, `task_assignments`, `task_results`); 0 = no limit.
        public var keepBytes: Int64
        /// `[state] max_bytes`: the cap on the database, its WAL and its shared-memory index; nil = none.
        public var maxBytes: Int64?
        /// The database file's share of `maxBytes` (the rest is the WAL's room, see `EdgeStore.fileBudget`).
        public var fileBudgetBytes: Int64?

        /// Creates settings.
        public init(
            keepDays: Int = 30, keepMax: Int = 100_000, keepBytes: Int64 = 128 << 20, maxBytes: Int64? = nil,
            fileBudgetBytes: Int64? = nil
        ) {
            self.keepDays = keepDays
            self.keepMax = keepMax
            self.keepBytes = keepBytes
            self.maxBytes = maxBytes
            self.fileBudgetBytes = fileBudgetBytes
        }

        /// The used bytes the pruner works down to under the cap: room below it for the writes of the next
        /// pass, so that writes do not meet the hard limit while anything is prunable.
        var softTargetBytes: Int64? { fileBudgetBytes.map { $0 * 17 / 20 } }
    }

    /// Tasks deleted per transaction.
    static let batch = 256
    /// Most tasks pruned in one pass (a pass then ends and the next one starts soon).
    static let maxTasksPerPass = 32 * batch
    /// Most pages vacuumed per transaction.
    static let vacuumPages = 256

    private let store: EdgeStore
    private let settings: Settings
    private let clock: @Sendable () -> Int64
    private let disk: DiskMonitor?
    private let logger: Logger?
    private let queue = DispatchQueue(label: "cortensor-edge.state-pruner", qos: .utility)
    private let state = Mutex(State())

    private struct State {
        var running = false
        var footprint = StateFootprint()
        var taskBytes: (average: Int64, measuredAtPass: Int)? = nil
        var passes = 0
        /// `Database.diskFullWrites` as last seen, and whether a write was refused since space was last freed.
        var refusalsSeen = 0
        var refusedSinceFreed = false
    }

    /// A pruner of `store`; `clock` gives Unix seconds (tests move it); `disk` hears when the cap is reached with
    /// nothing left to free.
    public init(
        store: EdgeStore, settings: Settings, disk: DiskMonitor? = nil, logger: Logger? = nil,
        clock: @escaping @Sendable () -> Int64 = { WallClock.unixSeconds() }
    ) {
        self.store = store
        self.logger = logger
        self.settings = settings
        self.disk = disk
        self.clock = clock
    }

    /// The last pass's footprint, for `/api/v1/status` and `/metrics`.
    public var footprint: StateFootprint { state.withLock { $0.footprint } }

    /// Puts the cap in force (before the first write), then runs a pass every `interval`, sooner while a pass
    /// left work; stops with `stop`.
    public func start(interval: Duration = .seconds(1)) throws {
        if let budget = settings.fileBudgetBytes { try store.database.limitFileSize(toBytes: budget) }
        guard
            state.withLock({ state in
                defer { state.running = true }
                return !state.running
            })
        else { return }
        schedule(after: .zero, interval: interval)
    }

    /// Stops scheduling passes (one already running finishes).
    public func stop() { state.withLock { $0.running = false } }

    private func schedule(after delay: Duration, interval: Duration) {
        let nanoseconds =
            Int(delay.components.seconds) * 1_000_000_000 + Int(delay.components.attoseconds / 1_000_000_000)
        queue.asyncAfter(deadline: .now() + .nanoseconds(nanoseconds)) { [self] in
            guard state.withLock({ $0.running }) else { return }
            var more = false
            do { more = try runPass().hasMoreWork } catch {
                logger?.warning("state pruner pass failed", metadata: ["error": "\(error)"])
            }
            schedule(after: more ? .milliseconds(20) : interval, interval: interval)
        }
    }

    /// One pass: age, count and byte retention, then the cap, then blocks released and pages vacuumed.
    @discardableResult
    public func runPass() throws -> PassReport {
        var pass = PassRun(store: store, now: clock())
        let spans = try store.tasks.sessionSpans()
        var counts = Dictionary(uniqueKeysWithValues: spans.map { ($0.sessionID, $0.count) })
        if settings.keepDays > 0 {
            let cutoff = pass.now - Int64(settings.keepDays) * 86_400
            for span in spans { try pass.prune(session: span.sessionID, createdBefore: cutoff, counts: &counts) }
        }
        let average = try averageTaskBytes()
        var excess = 0
        let total = counts.values.reduce(0, +)
        if settings.keepMax > 0 { excess = max(excess, total - settings.keepMax) }
        if settings.keepBytes > 0 {
            excess = max(excess, Int((Int64(total) * average - settings.keepBytes + average - 1) / average))
        }
        if excess > 0 { try pass.pruneOldest(excess, counts: &counts) }
        try pass.releaseBlocks()
        let full = try enforceCap(&pass, counts: &counts)
        try vacuum()
        let report = PassReport(
            prunedTasks: pass.pruned, releasedBlockBytes: pass.releasedBytes, capReached: full,
            hasMoreWork: pass.pruned >= Self.maxTasksPerPass)
        try recordFootprint(tasks: counts.values.reduce(0, +), averageTaskBytes: average, capReached: full)
        return report
    }

    /// Under the cap: prunes more tasks, then collects unpinned blocks, until the used bytes are under the soft
    /// target; returns whether the file is at its hard limit with nothing left to free.
    private func enforceCap(_ pass: inout PassRun, counts: inout [Int: Int]) throws -> Bool {
        guard let target = settings.softTargetBytes, let budget = settings.fileBudgetBytes else { return false }
        // A write refused for space since the last pass (the flag itself is cleared by any commit, ours included):
        // that stands until used bytes are back under the target.
        let refusals = store.database.diskFullWrites
        var used = try store.database.pageCounts().usedBytes
        while used > target, pass.pruned < Self.maxTasksPerPass {
            let before = pass.pruned
            try pass.pruneOldest(Self.batch * 4, counts: &counts)
            try pass.releaseBlocks()
            used = try store.database.pageCounts().usedBytes
            if pass.pruned == before { break }
        }
        if used > target {
            let blockBytes = try store.blocks.stats().bytes
            try store.blocks.collectGarbage(downTo: max(0, blockBytes - (used - target)))
            used = try store.database.pageCounts().usedBytes
        }
        // At the cap: pressure is left and a write was refused for space, or the file is within 2 % of it.
        let refused = state.withLock { state in
            if refusals != state.refusalsSeen { (state.refusalsSeen, state.refusedSinceFreed) = (refusals, true) }
            if used <= target { state.refusedSinceFreed = false }
            return state.refusedSinceFreed
        }
        let full = used > budget - budget / 50 || refused
        disk?.setCapacityReason(
            full
                ? "state directory at [state] max_bytes: \(used) bytes used of \(budget) for the database, nothing left "
                    + "to prune (pinned blocks, each session's newest task)" : nil)
        return full
    }

    /// Returns free pages beyond a small slack to the filesystem, then renews the file's page limit (SQLite
    /// never lowers it below the file's pages, so a cap on a bigger old file takes hold as it shrinks).
    private func vacuum() throws {
        let pages = try store.database.pageCounts()
        let slack = max(Int64(Self.vacuumPages), pages.pages / 20)
        var toFree = pages.freePages - slack
        var steps = 0
        while toFree > 0, steps < 16 {
            let freed = try store.database.vacuumIncrementally(pages: Int(min(toFree, Int64(Self.vacuumPages))))
            guard freed > 0 else { break }
            toFree -= freed
            steps += 1
        }
        if let budget = settings.fileBudgetBytes { try store.database.limitFileSize(toBytes: budget) }
    }

    /// Bytes per task of the task tables, measured with SQLite's `dbstat` once a minute of passes (512 while
    /// there are no tasks, or where `dbstat` is missing).
    private func averageTaskBytes() throws -> Int64 {
        let passes = state.withLock { state in
            state.passes += 1
            return state.passes
        }
        if let known = state.withLock({ $0.taskBytes }), passes - known.measuredAtPass < 60 { return known.average }
        let measured = try? store.database.read { connection -> Int64? in
            let bytes = try connection.queryFirst(
                """
                SELECT sum(pgsize) AS bytes FROM dbstat
                WHERE name IN ('tasks', 'task_assignments', 'task_results')
                """)?.int("bytes")
            let count = try connection.queryFirst("SELECT count(*) AS n FROM tasks")?.int("n") ?? 0
            guard let bytes, count > 0 else { return nil }
            return max(64, bytes / count)
        }
        // Only a measurement is kept: with no tasks yet, or no dbstat, the next pass asks again.
        guard let average = measured ?? nil else { return 512 }
        state.withLock { $0.taskBytes = (average, passes) }
        return average
    }

    private func recordFootprint(tasks: Int, averageTaskBytes: Int64, capReached: Bool) throws {
        let pages = try store.database.pageCounts()
        let files = store.database.fileSizes()
        let blocks = try store.blocks.stats()
        let cache = try store.completions.stats()
        let footprint = StateFootprint(
            tasks: tasks, taskBytes: Int64(tasks) * averageTaskBytes, blockBytes: blocks.bytes,
            pinnedBlocks: blocks.pins, completionCacheBytes: cache.bytes, databaseUsedBytes: pages.usedBytes,
            databaseFreeBytes: pages.freeBytes, walBytes: files.wal, sharedMemoryBytes: files.sharedMemory,
            totalBytes: files.total, maxBytes: settings.maxBytes, capReached: capReached)
        state.withLock { $0.footprint = footprint }
    }
}
