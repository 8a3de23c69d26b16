import Synchronization

/// How one attempt ended, as reported by whoever noticed first (the relay, the watchdog, a cancellation).
enum AttemptEnd: Sendable {
    /// The miner's reply ended normally.
    case completed
    /// The miner failed.
    case failed(UpstreamFailure)
    /// The first-token timer fired; ignored once the first event arrived.
    case firstTokenTimeout
    /// The reply started, then no event came within the inter-token timeout.
    case interTokenTimeout
    /// The request deadline passed.
    case deadline
    /// The caller (before the first event) or the consumer (after it) went away.
    case cancelled
}

/// What the caller of `MinerPool.send` learns about an attempt before the reply starts.
enum AttemptStart: Sendable {
    /// The first event arrived after the given time.
    case started(firstEventAfter: Duration)
    /// The miner failed before its first event.
    case failed(UpstreamFailure)
    /// The request deadline passed before the first event.
    case deadline
    /// The caller was cancelled.
    case cancelled
}

/// How the pool should account an ended attempt.
enum AttemptVerdict: Sendable {
    /// Counts as a success of the miner.
    case success
    /// Counts as a failure of the miner.
    case failure(UpstreamFailure)
    /// Not the miner's fault (deadline, cancellation): neither.
    case neutral
}

/// The rendezvous of one attempt: the relay task, the watchdog task, the waiting `send` call and the reply
/// consumer all meet here, and exactly one of them closes it. A small lock-protected state machine;
/// `close` hands back what the closer must do after releasing the lock (cancel, account, resolve).
final class AttemptGate: Sendable {
    private enum Phase {
        case awaitingFirst
        case streaming
        case closed
    }

    private typealias Waiter = @Sendable (AttemptStart) -> Void

    private struct State {
        var phase = Phase.awaitingFirst
        var start: AttemptStart?
        var waiter: Waiter?
        var stopRequested = false
        var hasStarted = false
        /// When the last events were delivered (nil before the first).
        var lastEventAt: ContinuousClock.Instant?
        var cancellers: [@Sendable () -> Void] = []
    }

    /// Work for the closer, to be done outside the lock.
    struct Closing: Sendable {
        /// Stops the attempt's relay task and watchdog timer.
        let cancellers: [@Sendable () -> Void]
        /// How to account the attempt.
        let verdict: AttemptVerdict
        /// Resumes the waiting `send` call, if it was still waiting.
        let resolveWaiter: (@Sendable () -> Void)?
        /// Ends the reply stream, if it had started.
        let finishStream: (@Sendable () -> Void)?
    }

    let minerID: String
    let startedAt: ContinuousClock.Instant
    /// Failures of earlier attempts of the same request, reported with a deadline error.
    let priorFailures: [UpstreamAttemptFailure]
    private let channel: UpstreamEventChannel
    private let state = Mutex(State())

    init(
        minerID: String, startedAt: ContinuousClock.Instant, priorFailures: [UpstreamAttemptFailure],
        channel: UpstreamEventChannel
    ) {
        self.minerID = minerID
        self.startedAt = startedAt
        self.priorFailures = priorFailures
        self.channel = channel
    }

    /// Registers a task to cancel when the attempt closes or stops (cancelled at once if it already closed).
    func register(_ task: Task<Void, Never>) {
        register(cancel: { task.cancel() })
    }

    /// Registers what stops a part of the attempt when it closes or stops (run at once if it already closed).
    func register(cancel: @escaping @Sendable () -> Void) {
        let isClosed = state.withLock { state in
            if state.phase == .closed { return true }
            state.cancellers.append(cancel)
            return false
        }
        if isClosed { cancel() }
    }

    /// Whether the first events were delivered.
    var hasStarted: Bool {
        state.withLock { $0.hasStarted }
    }

    /// When the last events were delivered; nil before the first. The watchdog reads it lazily, so a token costs no
    /// timer operation.
    var lastEventAt: ContinuousClock.Instant? {
        state.withLock { $0.lastEventAt }
    }

    /// Whether a caller or consumer asked the attempt to stop.
    var stopRequested: Bool { state.withLock { $0.stopRequested } }

    /// Marks the attempt as abandoned by its caller or consumer and cancels its tasks; the relay then closes
    /// it as `.cancelled`.
    func requestStop() {
        let cancellers = state.withLock { state -> [@Sendable () -> Void] in
            guard state.phase != .closed else { return [] }
            state.stopRequested = true
            return state.cancellers
        }
        for cancel in cancellers { cancel() }
    }

    /// Relays events; the first ones start the reply. Returns false once the attempt is closed, or when the
    /// reply's buffer overflowed because its consumer stopped taking events.
    func deliver(_ events: [UpstreamEvent], now: ContinuousClock.Instant) -> Bool {
        guard !events.isEmpty else { return true }
        let (isOpen, waiter, start) = state.withLock { state -> (Bool, Waiter?, AttemptStart?) in
            state.lastEventAt = now
            switch state.phase {
            case .closed:
                return (false, nil, nil)
            case .streaming:
                return (true, nil, nil)
            case .awaitingFirst:
                state.phase = .streaming
                state.hasStarted = true
                let start = AttemptStart.started(firstEventAfter: now - startedAt)
                guard let waiter = state.waiter else {
                    state.start = start
                    return (true, nil, nil)
                }
                state.waiter = nil
                return (true, waiter, start)
            }
        }
        guard isOpen else { return false }
        var overflowed = false
        for event in events {
            if case .dropped = channel.yield(event) { overflowed = true }
        }
        if let waiter, let start { waiter(start) }
        return !overflowed
    }

    /// Calls `waiter` once, when the attempt started or failed before its first event (at once if it already did).
    func onStart(_ waiter: @escaping @Sendable (AttemptStart) -> Void) {
        let ready = state.withLock { state -> AttemptStart? in
            if let start = state.start { return start }
            state.waiter = waiter
            return nil
        }
        if let ready { waiter(ready) }
    }

    /// Closes the attempt with `end`; nil when it is already closed (or `end` is a first-token timeout
    /// arriving after the first event).
    func close(_ end: AttemptEnd) -> Closing? {
        let isFirstTokenTimeout = if case .firstTokenTimeout = end { true } else { false }
        let startOutcome = Self.startOutcome(end)
        let taken = state.withLock {
            state -> (cancellers: [@Sendable () -> Void], wasStreaming: Bool, waiter: Waiter?)? in
            switch state.phase {
            case .closed:
                return nil
            case .streaming:
                if isFirstTokenTimeout { return nil }
                state.phase = .closed
                defer { state.cancellers = [] }
                return (state.cancellers, true, nil)
            case .awaitingFirst:
                state.phase = .closed
                defer {
                    state.cancellers = []
                    state.waiter = nil
                }
                if state.waiter == nil { state.start = startOutcome.1 }
                return (state.cancellers, false, state.waiter)
            }
        }
        guard let taken else { return nil }
        let channel = channel
        if taken.wasStreaming {
            let (verdict, error) = Self.streamingOutcome(end, minerID: minerID, priorFailures: priorFailures)
            let finish: @Sendable () -> Void = { channel.finish(throwing: error) }
            return Closing(cancellers: taken.cancellers, verdict: verdict, resolveWaiter: nil, finishStream: finish)
        }
        let start = startOutcome.1
        var resolve: (@Sendable () -> Void)?
        if let waiter = taken.waiter { resolve = { waiter(start) } }
        let finish: @Sendable () -> Void = { channel.finish() }
        return Closing(
            cancellers: taken.cancellers, verdict: startOutcome.0, resolveWaiter: resolve, finishStream: finish)
    }

    private static func startOutcome(_ end: AttemptEnd) -> (AttemptVerdict, AttemptStart) {
        switch end {
        case .completed: (.failure(.emptyReply), .failed(.emptyReply))
        // A busy miner (429) is not a broken one: try the next without counting it against the miner's health.
        case .failed(.busy(let retryAfter)): (.neutral, .failed(.busy(retryAfter: retryAfter)))
        // Neither is one that refused a bad request: the request is at fault.
        case .failed(.refused(let refusal)): (.neutral, .failed(.refused(refusal)))
        case .failed(let failure): (.failure(failure), .failed(failure))
        case .firstTokenTimeout: (.failure(.firstTokenTimeout), .failed(.firstTokenTimeout))
        case .interTokenTimeout: (.failure(.interTokenTimeout), .failed(.interTokenTimeout))
        case .deadline: (.neutral, .deadline)
        case .cancelled: (.neutral, .cancelled)
        }
    }

    private static func streamingOutcome(
        _ end: AttemptEnd, minerID: String, priorFailures: [UpstreamAttemptFailure]
    ) -> (AttemptVerdict, UpstreamError?) {
        switch end {
        case .completed, .firstTokenTimeout: (.success, nil)
        case .failed(let failure): (.failure(failure), .streamInterrupted(miner: minerID, reason: failure))
        case .interTokenTimeout:
            (.failure(.interTokenTimeout), .streamInterrupted(miner: minerID, reason: .interTokenTimeout))
        case .deadline: (.neutral, .deadlineExceeded(miner: minerID, attempts: priorFailures))
        case .cancelled: (.neutral, nil)
        }
    }
}
