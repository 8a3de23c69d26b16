import HTTPServer

/// The local model's line of requests, shared fairly between callers (API keys).
///
/// One job runs at a time. Each caller waits in a line of its own, turns go round-robin from caller to caller, and
/// a caller holds at most `perCallerLimit` places (running or waiting): one key sending many long requests can
/// neither take every place nor make another key wait behind all of them — the other key's request runs after the
/// one running now. A value: the miner keeps it behind a lock, and its mutating methods say what to run.
struct FairQueue<Job> {
    /// Why a job was not taken.
    enum Refusal: Error, Equatable {
        /// Every place is taken: `capacity` jobs run or wait.
        case full(capacity: Int)
        /// The caller already holds `limit` places.
        case callerFull(limit: Int)
    }

    /// What to do with a job that was taken.
    enum Admission {
        /// Nothing was running: run it now, then call `finishRunning`.
        case runNow(Job)
        /// It waits; `finishRunning` hands it out in its turn.
        case waiting
    }

    /// Most jobs running or waiting, all callers together (at least 1).
    let capacity: Int
    /// Most jobs running or waiting for one caller (at least 1).
    let perCallerLimit: Int

    /// Places held per caller (running or waiting); a caller with none has no entry, so the table is bounded by
    /// `capacity` whatever callers come and go.
    private var held: [String: Int] = [:]
    /// Each caller's waiting jobs, oldest first.
    private var lines: [String: [Job]] = [:]
    /// Callers with waiting jobs, in the order their turns come.
    private var turns: [String] = []
    /// The caller whose job is running, if one is.
    private var running: String?
    private var total = 0

    /// A line of `capacity` places of which one caller may hold `perCallerLimit`.
    init(capacity: Int, perCallerLimit: Int) {
        self.capacity = max(1, capacity)
        self.perCallerLimit = max(1, perCallerLimit)
    }

    /// Jobs running or waiting.
    var count: Int { total }

    /// Takes `job` for `caller`, or says why not.
    mutating func admit(_ job: Job, caller: String) throws(Refusal) -> Admission {
        let holding = held[caller, default: 0]
        guard holding < perCallerLimit else { throw .callerFull(limit: perCallerLimit) }
        guard total < capacity else { throw .full(capacity: capacity) }
        held[caller] = holding + 1
        total += 1
        guard running != nil else {
            running = caller
            return .runNow(job)
        }
        if lines[caller, default: []].isEmpty { turns.append(caller) }
        lines[caller, default: []].append(job)
        return .waiting
    }

    /// Ends the running job and gives back its place; returns the next job to run (which is then running), or nil
    /// when none waits.
    ///
    /// The caller whose job just ended goes to the back of the turns, so a caller that arrived while it ran goes
    /// first even if the ended caller queued more before it came.
    mutating func finishRunning() -> Job? {
        guard let ended = running else { return nil }
        running = nil
        total -= 1
        release(ended)
        if turns.count > 1, let index = turns.firstIndex(of: ended) {
            turns.append(turns.remove(at: index))
        }
        guard !turns.isEmpty else { return nil }
        let next = turns.removeFirst()
        var line = lines.removeValue(forKey: next) ?? []
        guard !line.isEmpty else { return nil }  // not reached: a caller in `turns` has a waiting job
        let job = line.removeFirst()
        if !line.isEmpty {
            lines[next] = line
            turns.append(next)
        }
        running = next
        return job
    }

    private mutating func release(_ caller: String) {
        let remaining = held[caller, default: 1] - 1
        held[caller] = remaining > 0 ? remaining : nil
    }
}
