import HTTPServer

/// A per-miner circuit breaker as a value: `closed` → `open` after `failureThreshold` consecutive failures,
/// `open` → `halfOpen` once `openDuration` has passed, where exactly one probe request is let through;
/// the probe's success closes the breaker, its failure opens it again for another `openDuration`.
///
/// Every method takes `now` so the machine is deterministic and testable without clocks or sockets.
/// Results that arrive while the breaker is open (requests started before it opened) do not change it:
/// only the timer and the half-open probe decide.
public struct CircuitBreaker: Sendable, Hashable {
    /// Where the breaker stands.
    public enum State: Sendable, Hashable {
        /// Traffic flows; failures are being counted.
        case closed
        /// No traffic until the instant passes.
        case open(until: ContinuousClock.Instant)
        /// One probe may go through; `probeInFlight` says whether it has been handed out.
        case halfOpen(probeInFlight: Bool)
    }

    /// What `admit(now:)` decided for one request.
    public enum Admission: Sendable, Hashable {
        /// An ordinary request on a closed breaker.
        case allowed
        /// The single half-open probe: its result decides whether the breaker closes.
        case probe
        /// The breaker is open, or its probe slot is taken.
        case rejected
    }

    /// A state change worth logging, returned by the mutating methods.
    public enum Transition: Sendable, Hashable {
        /// The breaker opened (from closed or after a failed probe).
        case opened
        /// The open period ended; the next request is a probe.
        case halfOpened
        /// A probe succeeded; traffic flows again.
        case closed
    }

    /// Consecutive failures that open a closed breaker.
    public let failureThreshold: Int
    /// How long the breaker stays open before allowing a probe.
    public let openDuration: Duration
    /// Current state (`open` past its instant is reported as open until someone calls `admit`).
    public private(set) var state: State = .closed
    /// Failures since the last success.
    public private(set) var consecutiveFailures: Int = 0

    /// Creates a closed breaker.
    public init(failureThreshold: Int, openDuration: Duration) {
        self.failureThreshold = max(1, failureThreshold)
        self.openDuration = openDuration
    }

    /// Whether `admit(now:)` would let a request through, without taking the probe slot.
    public func canAdmit(now: ContinuousClock.Instant) -> Bool {
        switch state {
        case .closed: true
        case .open(let until): now >= until
        case .halfOpen(let probeInFlight): !probeInFlight
        }
    }

    /// The state as observed at `now`: an open breaker whose time is up reads as half-open with a free slot.
    public func effectiveState(now: ContinuousClock.Instant) -> State {
        if case .open(let until) = state, now >= until { return .halfOpen(probeInFlight: false) }
        return state
    }

    /// Decides whether one request may go to the miner; takes the probe slot when half-open.
    public mutating func admit(now: ContinuousClock.Instant) -> (Admission, Transition?) {
        switch state {
        case .closed:
            return (.allowed, nil)
        case .open(let until):
            guard now >= until else { return (.rejected, nil) }
            state = .halfOpen(probeInFlight: true)
            return (.probe, .halfOpened)
        case .halfOpen(let probeInFlight):
            guard !probeInFlight else { return (.rejected, nil) }
            state = .halfOpen(probeInFlight: true)
            return (.probe, nil)
        }
    }

    /// Records a successful request; a half-open breaker closes.
    public mutating func recordSuccess(now: ContinuousClock.Instant) -> Transition? {
        switch state {
        case .closed:
            consecutiveFailures = 0
            return nil
        case .open:
            return nil
        case .halfOpen:
            consecutiveFailures = 0
            state = .closed
            return .closed
        }
    }

    /// Records a failed request; opens the breaker at the threshold or when the probe failed.
    public mutating func recordFailure(now: ContinuousClock.Instant) -> Transition? {
        switch state {
        case .closed:
            consecutiveFailures += 1
            guard consecutiveFailures >= failureThreshold else { return nil }
            state = .open(until: now + openDuration)
            return .opened
        case .open:
            return nil
        case .halfOpen:
            consecutiveFailures += 1
            state = .open(until: now + openDuration)
            return .opened
        }
    }

    /// Frees the probe slot when the probe ended without a verdict (cancelled by its caller).
    public mutating func releaseProbe() {
        if case .halfOpen(true) = state { state = .halfOpen(probeInFlight: false) }
    }
}
