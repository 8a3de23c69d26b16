/// When the write-ahead log is copied back into the database file, decided from the WAL's frame count after each
/// commit; a value with no I/O, so the policy is tested without a database.
///
/// SQLite reuses the WAL from its start only once a checkpoint has copied every frame and no reader still uses
/// them. A PASSIVE checkpoint never waits for writers, so under a steady stream of commits it always ends a few
/// frames short and the WAL grows without limit (issue 14: 423 MB of WAL for a 10 MB quota). So: once the WAL
/// has grown by `passiveFrames` since the last checkpoint, a PASSIVE checkpoint runs in the background (writers go
/// on); when the WAL still holds `restartFrames` or more after it, a RESTART checkpoint runs with writers held,
/// which copies the few frames written meanwhile and lets the next commit start the WAL over. Writers faster than
/// the disk's checkpoints would still outrun them, so once the WAL reaches `limitFrames` during a checkpoint, new
/// write transactions wait for it to end (`holdsWriters`): the WAL never grows far past its limit.
struct WALCheckpointSchedule: Sendable, Equatable {
    /// What the checkpointer does after a PASSIVE checkpoint.
    enum AfterPassive: Sendable, Equatable {
        /// The WAL is still at or over `restartFrames`: hold writers and RESTART it.
        case restart
        /// Done until the WAL grows again.
        case done
    }

    /// Growth of the WAL, in frames, that starts a background checkpoint.
    let passiveFrames: Int
    /// Frames in the WAL at or above which a checkpoint holds writers to restart it.
    let restartFrames: Int
    /// Frames in the WAL at or above which writers wait for the running checkpoint.
    let limitFrames: Int
    /// Whether a checkpoint is scheduled or running (they never pile up).
    private(set) var isRunning = false
    /// Frames in the WAL when the last checkpoint ended: growth is counted from here.
    private(set) var checkpointedFrames = 0
    /// Frames in the WAL after the last commit.
    private(set) var latestFrames = 0

    /// A schedule for a WAL kept under about `limitBytes` with frames of `frameBytes` (page size + 24): a
    /// background checkpoint per quarter of the limit written, writers held once it is half full.
    init(limitBytes: Int64, frameBytes: Int) {
        precondition(limitBytes > 0 && frameBytes > 0, "WAL limit and frame size must be positive")
        let limitFrames = Int(clamping: limitBytes / Int64(frameBytes))
        passiveFrames = max(1, limitFrames / 4)
        restartFrames = max(1, limitFrames / 2)
        self.limitFrames = max(1, limitFrames)
    }

    /// Whether new write transactions should wait for the running checkpoint: the WAL reached its limit while
    /// one runs. (Without a checkpoint running nobody waits: there would be nothing to end the wait.)
    var holdsWriters: Bool { isRunning && latestFrames >= limitFrames }

    /// After a commit left `walFrames` frames in the WAL: whether to start a checkpoint now.
    mutating func committed(walFrames: Int) -> Bool {
        latestFrames = walFrames
        // Fewer frames than at the last checkpoint: the WAL was started over since.
        if walFrames < checkpointedFrames { checkpointedFrames = 0 }
        guard !isRunning, walFrames - checkpointedFrames >= passiveFrames else { return false }
        isRunning = true
        return true
    }

    /// A PASSIVE checkpoint ended with `walFrames` frames in the WAL (all of them copied unless readers held some
    /// back): whether to restart it.
    mutating func passiveEnded(walFrames: Int) -> AfterPassive {
        checkpointedFrames = walFrames
        guard walFrames >= restartFrames else {
            isRunning = false
            return .done
        }
        return .restart
    }

    /// The RESTART checkpoint ended with `walFrames` frames in the WAL (0 when it failed before reading it).
    /// When it succeeded, the next commit starts the WAL over; when it was refused (`SQLITE_BUSY`: a reader of
    /// another process held on), the next try comes after `passiveFrames` more.
    mutating func restartEnded(walFrames: Int) {
        checkpointedFrames = max(checkpointedFrames, walFrames)
        isRunning = false
    }
}
