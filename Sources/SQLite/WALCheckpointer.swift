import Dispatch
import Synchronization

/// Keeps a database's write-ahead log near its limit: checkpoints started by the writer's commits (through
/// SQLite's WAL hook) and run on a queue of their own, as `WALCheckpointSchedule` decides.
///
/// The writer never checkpoints inline: a checkpoint's fsync would stall the commit that triggered it and every
/// writer queued behind it. The PASSIVE step lets writers go on; only the RESTART step, which copies the frames
/// written during the PASSIVE one, holds the writer's lock (writers wait for it, they do not fail). When writers
/// outrun the disk and the WAL reaches its limit during a round, new write transactions wait for the round to
/// end before they take the writer's lock (`waitWhileHoldingWriters`), at most `holdTimeout`.
final class WALCheckpointer: Sendable {
    /// What the checkpointer has done (read by tests).
    struct Counts: Sendable, Equatable {
        /// PASSIVE checkpoints run.
        var passive = 0
        /// RESTART checkpoints that copied every frame, after which the next commit starts the WAL over.
        var restarts = 0
        /// RESTART checkpoints that did not finish: a reader (of another process) held on past the busy timeout,
        /// or the checkpoint failed (I/O error, disk full).
        var unfinishedRestarts = 0
        /// Write transactions that waited for a round because the WAL had reached its limit.
        var writerWaits = 0
    }

    private let writer: LockedConnection
    private let checkpointer: LockedConnection
    private let schedule: Mutex<WALCheckpointSchedule>
    private let tally = Mutex(Counts())
    private let queue = DispatchQueue(label: "cortensor-edge.sqlite.checkpoint", qos: .utility)
    /// Entered while a round is scheduled or running: writers held back wait on it.
    private let round = DispatchGroup()
    /// The longest a writer waits for a round (a stuck checkpoint must not stop every write for good).
    static let holdTimeout: DispatchTimeInterval = .seconds(10)

    /// A checkpointer for the database whose writer connection is `writer`; checkpoints run on `checkpointer`.
    init(writer: LockedConnection, checkpointer: LockedConnection, schedule: WALCheckpointSchedule) {
        self.writer = writer
        self.checkpointer = checkpointer
        self.schedule = Mutex(schedule)
    }

    /// From the writer's WAL hook, right after a commit: starts a checkpoint when the schedule says so.
    func committed(walFrames: Int) {
        guard schedule.withLock({ $0.committed(walFrames: walFrames) }) else { return }
        round.enter()
        queue.async {
            self.run()
            self.round.leave()
        }
    }

    /// Before a write transaction takes the writer's lock: waits for the running round while the WAL is at its
    /// limit, so that writers faster than the disk cannot grow it without bound.
    func waitWhileHoldingWriters() {
        guard schedule.withLock({ $0.holdsWriters }) else { return }
        tally.withLock { $0.writerWaits += 1 }
        _ = round.wait(timeout: .now() + Self.holdTimeout)
    }

    /// What has been done so far.
    var counts: Counts { tally.withLock { $0 } }

    /// One scheduled round: PASSIVE, then RESTART with writers held if the WAL is still over the limit. A failed
    /// checkpoint (I/O error, disk full) ends the round; the next commits schedule another.
    private func run() {
        guard let passive = try? passiveCheckpoint().walFrames else {
            schedule.withLock { $0.restartEnded(walFrames: 0) }
            return
        }
        tally.withLock { $0.passive += 1 }
        guard schedule.withLock({ $0.passiveEnded(walFrames: passive) }) == .restart else { return }
        let restart = try? restartCheckpoint()
        tally.withLock { counts in
            if restart?.busy == false { counts.restarts += 1 } else { counts.unfinishedRestarts += 1 }
        }
        schedule.withLock { $0.restartEnded(walFrames: restart?.walFrames ?? 0) }
    }

    /// Copies what it can without waiting for anyone; returns the frames in the WAL and how many are copied.
    func passiveCheckpoint() throws -> (walFrames: Int, checkpointed: Int) {
        try checkpointer.withConnection { connection in
            let row = try connection.queryFirst("PRAGMA wal_checkpoint(PASSIVE)")
            return (Int(row?.int("log") ?? 0), Int(row?.int("checkpointed") ?? 0))
        }
    }

    /// Holds the writer's lock, so no commit can start, and copies every frame, waiting (busy timeout) for readers
    /// on older snapshots; afterwards the next commit starts the WAL over. Returns whether SQLite gave up waiting
    /// and the frames in the WAL.
    func restartCheckpoint() throws -> (busy: Bool, walFrames: Int) {
        try writer.withConnection { connection in
            let row = try connection.queryFirst("PRAGMA wal_checkpoint(RESTART)")
            return (row?.int("busy") != 0, Int(row?.int("log") ?? 0))
        }
    }
}
