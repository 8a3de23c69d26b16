import Synchronization

/// Where the attempts of one request and its hedge timer report to the `send` call racing them: a small
/// lock-protected queue with one waiter. Posting after the race ended is harmless (nobody reads it).
final class AttemptInbox: Sendable {
    /// What happened.
    enum Event: Sendable {
        /// Attempt `slot` started or failed before its first event.
        case start(slot: Int, AttemptStart)
        /// The hedge delay passed.
        case hedgeDue
        /// The caller was cancelled.
        case cancelled
    }

    private struct State {
        var pending: [Event] = []
        var waiter: CheckedContinuation<Event, Never>?
    }

    private let state = Mutex(State())

    /// Delivers `event` to the waiter, or queues it.
    func post(_ event: Event) {
        let waiter = state.withLock { state -> CheckedContinuation<Event, Never>? in
            if let waiter = state.waiter {
                state.waiter = nil
                return waiter
            }
            state.pending.append(event)
            return nil
        }
        waiter?.resume(returning: event)
    }

    /// The next event, in the order posted.
    func next() async -> Event {
        await withCheckedContinuation { (waiter: CheckedContinuation<Event, Never>) in
            let ready = state.withLock { state -> Event? in
                if !state.pending.isEmpty { return state.pending.removeFirst() }
                state.waiter = waiter
                return nil
            }
            if let ready { waiter.resume(returning: ready) }
        }
    }
}
