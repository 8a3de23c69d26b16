import Dispatch
import Synchronization

/// Fires an attempt's first-token timeout, then its deadline, from one dispatch timer.
///
/// A timer rather than a task sleeping in `Task.sleep`: no task per attempt, and cancelling a dispatch source takes
/// it off the timer heap at once, where a cancelled `Task.sleep` kept its timer (and memory) until the 30 s
/// first-token deadline passed — RSS grew with requests per second times that timeout.
final class AttemptWatchdog: @unchecked Sendable {
    // Sound: `timer` is only scheduled, resumed and cancelled, which dispatch sources allow from any thread, and
    // `firings` is atomic; everything else is immutable.
    private let timer: any DispatchSourceTimer
    private let firings = Atomic<Int>(0)
    private let firstDeadline: ContinuousClock.Instant
    private let deadline: ContinuousClock.Instant

    /// A stopped watchdog for the attempt behind `gate`; `start` arms it.
    init(
        gate: AttemptGate, firstDeadline: ContinuousClock.Instant, deadline: ContinuousClock.Instant,
        pool: MinerPool, isProbe: Bool
    ) {
        self.firstDeadline = firstDeadline
        self.deadline = deadline
        timer = DispatchSource.makeTimerSource(queue: .global())
        // The handler keeps the watchdog alive until `cancel` (dispatch drops the handler once cancelled).
        timer.setEventHandler { [self] in
            let isFirst = firings.add(1, ordering: .relaxed).newValue == 1
            Task { await fire(isFirst: isFirst, gate: gate, pool: pool, isProbe: isProbe) }
        }
    }

    /// Arms the timer for the first-token deadline.
    func start() {
        arm(at: firstDeadline)
        timer.resume()
    }

    /// Stops the timer for good.
    func cancel() {
        timer.cancel()
    }

    /// The first firing ends the attempt with a first-token timeout (or the deadline, if that came first) unless
    /// the reply already started; then the timer waits for the deadline.
    private func fire(isFirst: Bool, gate: AttemptGate, pool: MinerPool, isProbe: Bool) async {
        guard isFirst else {
            await MinerPool.conclude(.deadline, gate: gate, pool: pool, isProbe: isProbe)
            return
        }
        let firstEnd: AttemptEnd = firstDeadline < deadline ? .firstTokenTimeout : .deadline
        if await MinerPool.conclude(firstEnd, gate: gate, pool: pool, isProbe: isProbe) { return }
        arm(at: deadline)
    }

    private func arm(at instant: ContinuousClock.Instant) {
        let (seconds, attoseconds) = max(.zero, instant - .now).components
        let nanoseconds = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        let delay = nanoseconds.overflow ? Int64.max : nanoseconds.partialValue &+ attoseconds / 1_000_000_000
        timer.schedule(deadline: .now() + .nanoseconds(Int(clamping: delay)))
    }
}
