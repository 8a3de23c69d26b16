import System

/// A request's deadline: a one-shot timer on the process's `TimerQueue`.
///
/// Neither a task sleeping until the deadline (~2 KB held for as long as the request, or the stream it answers
/// with, stayed open) nor a Dispatch timer source (whose resume and cancel each wake Dispatch's manager thread).
final class RequestDeadline: Sendable {
    private let token: TimerQueue.Token
    private let queue: TimerQueue

    /// Starts the timer: `expire` runs once on the timer thread after `duration`, unless cancelled first.
    init(after duration: Duration, queue: TimerQueue = .shared, expire: @escaping @Sendable () -> Void) {
        self.queue = queue
        token = queue.schedule(after: duration, expire)
    }

    /// Stops the timer; `expire` does not run afterwards (a run already under way finishes). Idempotent.
    func cancel() {
        queue.cancel(token)
    }
}
