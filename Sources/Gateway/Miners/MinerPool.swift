public import Log

/// The set of configured miners with their health and breakers; sends requests to the best one.
///
/// `send` tries miners best-first (see `MinerSelector`), never the same miner twice for one request, up to
/// `maxAttempts`. An attempt that fails before its first event (connect error, non-2xx, first-token timeout,
/// garbage, empty reply) moves on to the next miner; once the first event arrived the reply streams and a
/// failure ends the stream with `UpstreamError.streamInterrupted` (bytes already reached the client).
public actor MinerPool {
    /// One configured miner and what the pool learned about it.
    struct Miner {
        let config: MinerConfig
        var health = MinerHealth()
        var breaker: CircuitBreaker
        var lastError: String?
    }

    let transport: any MinerTransport
    let settings: MinerPoolSettings
    let logger: Logger
    let observer: MinerPoolObserver
    var miners: [Miner]
    var probeTask: Task<Void, Never>?

    /// Creates a pool over `miners` (duplicate ids after the first are ignored); `observer` sees every attempt.
    public init(
        miners: [MinerConfig], transport: any MinerTransport, settings: MinerPoolSettings, logger: Logger,
        observer: MinerPoolObserver = MinerPoolObserver()
    ) {
        var seen = Set<String>()
        self.miners = miners.filter { seen.insert($0.id).inserted }.map { config in
            Miner(
                config: config,
                breaker: CircuitBreaker(
                    failureThreshold: settings.breakerFailureThreshold, openDuration: settings.breakerOpenDuration))
        }
        self.transport = transport
        self.settings = settings
        self.logger = logger
        self.observer = observer
    }

    deinit {
        probeTask?.cancel()
    }

    /// Sends `request` to the best allowed miner (`allowed == nil`: any), retrying on other miners until one
    /// produces its first event; the reply relays events as they arrive until the miner ends or `deadline`.
    public func send(
        _ request: UpstreamRequest, miners allowed: [String]?, deadline: ContinuousClock.Instant
    ) async throws(UpstreamError) -> UpstreamReply {
        let allowedIDs = allowed.map { Set($0) }
        var tried = Set<String>()
        var failures: [UpstreamAttemptFailure] = []
        var attempts = 0
        // Remote miners must start before this, so the fallback (the local model) still has time to answer.
        let remoteDeadline = hasFallback ? deadline - settings.fallbackReserve : deadline
        while true {
            if Task.isCancelled { throw .cancelled }
            let now = ContinuousClock.now
            if now >= deadline { throw .deadlineExceeded(miner: nil, attempts: failures) }
            // Once the attempts are spent, or too little time is left for a remote miner, only a fallback miner may
            // still take the request.
            let onlyFallback = attempts >= max(1, settings.maxAttempts) || now >= remoteDeadline
            guard
                let (index, isProbe) = admitBest(
                    model: request.model, allowed: allowedIDs, tried: tried, onlyFallback: onlyFallback, now: now)
            else { break }
            attempts += 1
            let minerID = miners[index].config.id
            tried.insert(minerID)
            let (start, events) = await attempt(
                index: index, request: request, isProbe: isProbe, deadline: deadline,
                firstEventBy: miners[index].config.isFallback ? deadline : remoteDeadline, priorFailures: failures)
            switch start {
            case .started(let firstEventAfter):
                if let index = self.index(of: minerID) { miners[index].health.recordFirstByte(after: firstEventAfter) }
                observer.firstByte(minerID, firstEventAfter)
                return UpstreamReply(minerID: minerID, events: events)
            case .failed(let reason):
                failures.append(UpstreamAttemptFailure(minerID: minerID, reason: reason))
            case .deadline:
                throw .deadlineExceeded(miner: minerID, attempts: failures)
            case .cancelled:
                throw .cancelled
            }
        }
        if failures.isEmpty { throw .noHealthyMiner(model: request.model) }
        throw .allMinersFailed(attempts: failures)
    }

    /// Whether a fallback miner (the local model) is configured.
    var hasFallback: Bool { miners.contains { $0.config.isFallback } }

    /// A status line per miner, in configuration order.
    public func snapshot() -> [MinerStatus] {
        let now = ContinuousClock.now
        return miners.map { miner in
            let state: String =
                switch miner.breaker.effectiveState(now: now) {
                case .closed: "closed"
                case .open: "open"
                case .halfOpen: "halfOpen"
                }
            return MinerStatus(
                id: miner.config.id, url: miner.config.url, models: miner.config.models, state: state,
                score: miner.health.score(weight: miner.config.weight), ewmaFirstByteMs: miner.health.ewmaFirstByteMs,
                ewmaTotalMs: miner.health.ewmaTotalMs, errorRate: miner.health.errorRate,
                inFlight: miner.health.inFlight, consecutiveFailures: miner.breaker.consecutiveFailures,
                lastError: miner.lastError)
        }
    }

    /// The union of the models configured on all miners, sorted.
    public func models() -> [String] {
        Set(miners.flatMap(\.config.models)).sorted()
    }

    func index(of minerID: String) -> Int? {
        miners.firstIndex { $0.config.id == minerID }
    }

    /// Picks the best eligible miner and takes its admission (a probe slot when half-open).
    /// A fallback miner is allowed whatever the session's miner list says: it is the box's own last resort.
    private func admitBest(
        model: String?, allowed: Set<String>?, tried: Set<String>, onlyFallback: Bool, now: ContinuousClock.Instant
    ) -> (index: Int, isProbe: Bool)? {
        let candidates = miners.filter { !onlyFallback || $0.config.isFallback }.map { miner in
            MinerSelector.Candidate(
                id: miner.config.id, models: miner.config.models,
                score: miner.health.score(weight: miner.config.weight),
                breaker: miner.breaker, isFallback: miner.config.isFallback)
        }
        let allowed = allowed.map { $0.union(miners.filter(\.config.isFallback).map(\.config.id)) }
        let ordered = MinerSelector.order(candidates, model: model, allowed: allowed, excluding: tried, now: now)
        for minerID in ordered {
            guard let index = index(of: minerID) else { continue }
            let (admission, transition) = miners[index].breaker.admit(now: now)
            log(transition, minerID: minerID)
            switch admission {
            case .allowed: return (index, false)
            case .probe: return (index, true)
            case .rejected: continue
            }
        }
        return nil
    }

    /// Accounts an ended attempt in the miner's health and breaker.
    func record(minerID: String, verdict: AttemptVerdict, isProbe: Bool, total: Duration) {
        guard let index = index(of: minerID) else { return }
        let now = ContinuousClock.now
        miners[index].health.endRequest()
        observer.attemptEnded(minerID, verdict.outcomeLabel)
        switch verdict {
        case .success:
            miners[index].health.recordSuccess(total: total)
            log(miners[index].breaker.recordSuccess(now: now), minerID: minerID)
        case .failure(let failure):
            miners[index].health.recordFailure()
            miners[index].lastError = failure.summary
            logger.debug("miner attempt failed", metadata: ["miner": "\(minerID)", "reason": "\(failure.summary)"])
            log(miners[index].breaker.recordFailure(now: now), minerID: minerID)
        case .neutral:
            if isProbe { miners[index].breaker.releaseProbe() }
        }
    }

    func log(_ transition: CircuitBreaker.Transition?, minerID: String) {
        guard let transition else { return }
        let name: String =
            switch transition {
            case .opened: "open"
            case .halfOpened: "halfOpen"
            case .closed: "closed"
            }
        logger.info("miner breaker changed", metadata: ["miner": "\(minerID)", "state": "\(name)"])
    }
}

/// Callbacks that let metrics watch the pool without the pool knowing about metrics.
public struct MinerPoolObserver: Sendable {
    /// An attempt on a miner ended: `ok`, `aborted` (deadline or cancellation) or a failure class.
    public var attemptEnded: @Sendable (_ minerID: String, _ outcome: String) -> Void
    /// A miner produced its first event after the given time.
    public var firstByte: @Sendable (_ minerID: String, _ after: Duration) -> Void

    /// Creates an observer; the defaults ignore everything.
    public init(
        attemptEnded: @escaping @Sendable (_ minerID: String, _ outcome: String) -> Void = { _, _ in },
        firstByte: @escaping @Sendable (_ minerID: String, _ after: Duration) -> Void = { _, _ in }
    ) {
        self.attemptEnded = attemptEnded
        self.firstByte = firstByte
    }
}

extension AttemptVerdict {
    /// A metrics label for the attempt's end.
    var outcomeLabel: String {
        switch self {
        case .success: "ok"
        case .neutral: "aborted"
        case .failure(let failure): failure.label
        }
    }
}

extension UpstreamFailure {
    /// A short, bounded label for metrics.
    var label: String {
        switch self {
        case .connectFailed: "connect_failed"
        case .httpStatus: "http_status"
        case .firstTokenTimeout: "first_token_timeout"
        case .invalidResponse: "invalid_response"
        case .emptyReply: "empty_reply"
        case .minerError: "miner_error"
        case .connectionLost: "connection_lost"
        case .probeTimeout: "probe_timeout"
        case .interTokenTimeout: "inter_token_timeout"
        case .replyTooLarge: "reply_too_large"
        }
    }
}
