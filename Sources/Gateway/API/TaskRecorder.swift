/// Writes a task's record as its replicas answer: every assigned miner, then every result, once all have ended.
///
/// A session with `redundancy` N sends each task to N distinct miners; the caller is answered by the first
/// (the primary) while the others run in the background. The task is `done` with one result per miner that
/// answered, or `failed` when none did.
actor TaskRecorder {
    private let tasks: TaskStore
    private let sessionID: Int
    private let taskID: Int
    private var assigned: [String] = []
    private var results: [(miner: String, text: String)] = []
    private var failures: [String] = []
    private var running = 0
    private var acceptsReplicas = true

    init(tasks: TaskStore, sessionID: Int, taskID: Int) {
        self.tasks = tasks
        self.sessionID = sessionID
        self.taskID = taskID
    }

    /// A miner took the task (the primary first).
    func assign(_ miner: String) {
        assigned.append(miner)
        running += 1
        _ = try? tasks.markAssigned(sessionID: sessionID, taskID: taskID, miners: assigned)
    }

    /// A miner's complete answer.
    func finished(_ miner: String, text: String) {
        results.append((miner, text))
        running -= 1
        writeIfDone()
    }

    /// A miner failed after it took the task.
    func failed(_ miner: String, reason: String) {
        failures.append("\(miner): \(reason)")
        running -= 1
        writeIfDone()
    }

    /// No further replica will be assigned.
    func closeReplicas() {
        acceptsReplicas = false
        writeIfDone()
    }

    private func writeIfDone() {
        guard running == 0, !acceptsReplicas else { return }
        let now = WallClock.unixSeconds()
        if results.isEmpty {
            let reason = failures.isEmpty ? "no miner answered" : failures.joined(separator: "; ")
            _ = try? tasks.fail(sessionID: sessionID, taskID: taskID, reason: reason, now: now)
        } else {
            // Results in assignment order, so the primary's answer comes first.
            let ordered = assigned.compactMap { miner in results.first { $0.miner == miner } }
            _ = try? tasks.complete(
                sessionID: sessionID, taskID: taskID, resultData: ordered.map(\.text),
                resultMiners: ordered.map(\.miner), now: now)
        }
    }
}
