import Synchronization
import System

/// Fires an attempt's first-token timeout, then its inter-token timeout and its deadline, from timers on the
/// `TimerQueue`.
///
/// The inter-token timer is lazy: events only note their time in the gate, and the armed timer, when it fires,
/// ends the attempt if the last event is older than the timeout or re-arms for when it would be. One firing per
/// timeout period rather than a timer operation per token. While the first token is awaited the timer also looks
/// every inter-token timeout (when that is the shorter), so a stall right after a first token is noticed in time.
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
    private let interTokenTimeout: Duration
    private let deadline: ContinuousClock.Instant

    /// Which check a firing makes.
    private enum Check {
        case firstToken
        case interToken
        case deadline
    }

    /// A stopped watchdog for the attempt behind `gate`; `start` arms it.
    init(
        gate: AttemptGate, firstDeadline: ContinuousClock.Instant, interTokenTimeout: Duration,
        deadline: ContinuousClock.Instant, pool: MinerPool, isProbe: Bool, queue: TimerQueue = .shared
    ) {
        self.gate = gate
        self.pool = pool
        self.isProbe = isProbe
        self.firstDeadline = firstDeadline
        self.interTokenTimeout = interTokenTimeout
        self.deadline = deadline
        self.queue = queue
    }

    /// Arms the timer for the first-token deadline (or an earlier look, see above).
    func start() {
        arm(at: min(firstDeadline, ContinuousClock.now + interTokenTimeout), check: .firstToken)
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
    /// the reply already started; then the timer watches the gaps between events until the deadline.
    private func fire(_ check: Check) async {
        switch check {
        case .firstToken where !gate.hasStarted:
            let now = ContinuousClock.now
            guard now >= firstDeadline else {
                arm(at: min(firstDeadline, now + interTokenTimeout), check: .firstToken)
                return
            }
            let firstEnd: AttemptEnd = firstDeadline < deadline ? .firstTokenTimeout : .deadline
            if await MinerPool.conclude(firstEnd, gate: gate, pool: pool, isProbe: isProbe) { return }
            armInterToken()
        case .firstToken, .interToken:
            if let last = gate.lastEventAt, ContinuousClock.now - last >= interTokenTimeout {
                await MinerPool.conclude(.interTokenTimeout, gate: gate, pool: pool, isProbe: isProbe)
                return
            }
            armInterToken()
        case .deadline:
            await MinerPool.conclude(.deadline, gate: gate, pool: pool, isProbe: isProbe)
        }
    }

    /// Arms the timer for when the reply would have gone the inter-token timeout without an event, or for the
    /// deadline if that comes first.
    private func armInterToken() {
        let stallAt = (gate.lastEventAt ?? .now) + interTokenTimeout
        if stallAt < deadline {
            arm(at: stallAt, check: .interToken)
        } else {
            arm(at: deadline, check: .deadline)
        }
    }

    private func arm(at instant: ContinuousClock.Instant, check: Check) {
        state.withLock { state in
            guard !state.isCancelled else { return }
            // The timer's action holds the watchdog until it fires or is cancelled.
            state.token = queue.schedule(after: ContinuousClock.now.duration(to: instant)) { [self] in
                Task { await fire(check) }
            }
        }
    }
}
