import Synchronization

/// Fires an attempt's first-token timeout, then its deadline, from timers on the `TimerQueue`.
///
/// Not a task sleeping in `Task.sleep` (a cancelled sleep kept its timer, and memory, until the 30 s first-token
/// deadline passed), nor a Dispatch timer source (its resume and cancel each woke Dispatch's manager thread): an
/// armed timer is an entry in the queue's sorted array, and cancelling removes it.
final class AttemptWatchdog: Sendable {
    private struct State {
        var token: TimerQueue.Token?
        var isCancelled = false
    }

    private let state = Mutex(State())
    private let queue: TimerQueue
    private let gate: AttemptGate
    private let pool: MinerPool
    private let isProbe: Bool
    private let firstDeadline: ContinuousClock.Instant
    private let deadline: ContinuousClock.Instant

    /// A stopped watchdog for the attempt behind `gate`; `start` arms it.
    init(
        gate: AttemptGate, firstDeadline: ContinuousClock.Instant, deadline: ContinuousClock.Instant,
        pool: MinerPool, isProbe: Bool, queue: TimerQueue = .shared
    ) {
        self.gate = gate
        self.pool = pool
        self.isProbe = isProbe
        self.firstDeadline = firstDeadline
        self.deadline = deadline
        self.queue = queue
    }

    /// Arms the timer for the first-token deadline.
    func start() {
        arm(at: firstDeadline, isFirst: true)
    }

    /// Stops the timer for good.
    func cancel() {
        let token = state.withLock { state in
            state.isCancelled = true
            defer { state.token = nil }
            return state.token
        }
        if let token { queue.cancel(token) }
    }

    /// The first firing ends the attempt with a first-token timeout (or the deadline, if that came first) unless
    /// the reply already started; then the timer waits for the deadline.
    private func fire(isFirst: Bool) async {
        guard isFirst else {
            await MinerPool.conclude(.deadline, gate: gate, pool: pool, isProbe: isProbe)
            return
        }
        let firstEnd: AttemptEnd = firstDeadline < deadline ? .firstTokenTimeout : .deadline
        if await MinerPool.conclude(firstEnd, gate: gate, pool: pool, isProbe: isProbe) { return }
        arm(at: deadline, isFirst: false)
    }

    private func arm(at instant: ContinuousClock.Instant, isFirst: Bool) {
        state.withLock { state in
            guard !state.isCancelled else { return }
            // The timer's action holds the watchdog until it fires or is cancelled.
            state.token = queue.schedule(after: ContinuousClock.now.duration(to: instant)) { [self] in
                Task { await fire(isFirst: isFirst) }
            }
        }
    }
}
