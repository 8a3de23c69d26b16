import Dispatch

/// A request's deadline as a one-shot Dispatch timer.
///
/// A timer is a few hundred bytes; a task sleeping until the deadline held ~2 KB (the task, its first frame
/// slab, and the sleep's own job) for as long as the request, or the stream it answers with, stayed open.
// Sound (@unchecked Sendable): the timer is set up once in init; Dispatch sources may be cancelled from any thread.
final class RequestDeadline: @unchecked Sendable {
    private let timer: any DispatchSourceTimer

    /// Starts the timer: `expire` runs once on a global queue after `duration`, unless cancelled first.
    init(after duration: Duration, expire: @escaping @Sendable () -> Void) {
        timer = DispatchSource.makeTimerSource(queue: .global())
        timer.schedule(deadline: .now() + Self.interval(duration))
        timer.setEventHandler(handler: expire)
        timer.resume()
    }

    /// Stops the timer; `expire` does not run afterwards (a run already under way finishes). Idempotent.
    func cancel() {
        timer.cancel()
    }

    /// `duration` as a Dispatch interval in whole nanoseconds, clamped to what Dispatch can hold.
    static func interval(_ duration: Duration) -> DispatchTimeInterval {
        let (seconds, attoseconds) = duration.components
        guard seconds >= 0 else { return .nanoseconds(0) }
        let (whole, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        guard !overflow, whole < Int64.max - 1_000_000_000 else { return .never }
        return .nanoseconds(Int(whole + attoseconds / 1_000_000_000))
    }
}
