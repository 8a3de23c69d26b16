import Cache
import JSON
import System

/// Writes a task's record as its replicas answer: every assigned miner, then every result, once all have ended.
///
/// A session with `redundancy` N sends each task to N distinct miners; the caller is answered by the first
/// (the primary) while the others run in the background. The task is `done` with one result per miner that
/// answered, or `failed` when none did.
actor TaskRecorder {
    private let tasks: TaskWriter
    private let sessionID: Int
    private let taskID: Int
    private var assigned: [String]
    private var results: [(miner: String, text: String)] = []
    private var failures: [String] = []
    private var running: Int
    private var acceptsReplicas = true

    /// A recorder for a task already recorded as assigned to `primary`; without `expectsReplicas` the task is
    /// written as soon as the primary ends (no `closeReplicas` call needed).
    init(tasks: TaskWriter, sessionID: Int, taskID: Int, primary: String, expectsReplicas: Bool = true) {
        self.tasks = tasks
        self.sessionID = sessionID
        self.taskID = taskID
        self.assigned = [primary]
        self.running = 1
        self.acceptsReplicas = expectsReplicas
    }

    /// Another miner took the task.
    func assign(_ miner: String) async {
        assigned.append(miner)
        running += 1
        try? await tasks.markAssigned(sessionID: sessionID, taskID: taskID, miners: assigned)
    }

    /// A miner's complete answer.
    func finished(_ miner: String, text: String) async {
        results.append((miner, text))
        running -= 1
        await writeIfDone()
    }

    /// A miner failed after it took the task.
    func failed(_ miner: String, reason: String) async {
        failures.append("\(miner): \(reason)")
        running -= 1
        await writeIfDone()
    }

    /// No further replica will be assigned.
    func closeReplicas() async {
        acceptsReplicas = false
        await writeIfDone()
    }

    /// The result block: only the answers, so equal results are one block whatever task they belong to.
    static func resultBlock(miners: [String], texts: [String]) -> JSONValue {
        ["results": .array(zip(miners, texts).map { ["miner": .string($0), "data": .string($1)] })]
    }

    private func writeIfDone() async {
        guard running == 0, !acceptsReplicas else { return }
        // Ends the recording: a reentrant call while the write below is suspended must not write again.
        running = -1
        let now = WallClock.unixSeconds()
        if results.isEmpty {
            let reason = failures.isEmpty ? "no miner answered" : failures.joined(separator: "; ")
            try? await tasks.fail(sessionID: sessionID, taskID: taskID, reason: reason, now: now)
        } else {
            // Results in assignment order, so the primary's answer comes first.
            let ordered = assigned.compactMap { miner in results.first { $0.miner == miner } }
            let resultBlock = TaskRecorder.resultBlock(miners: ordered.map(\.miner), texts: ordered.map(\.text))
            try? await tasks.complete(
                sessionID: sessionID, taskID: taskID, resultData: ordered.map(\.text),
                resultMiners: ordered.map(\.miner), now: now, result: TaskWriter.rawBlock(resultBlock))
        }
    }
}
