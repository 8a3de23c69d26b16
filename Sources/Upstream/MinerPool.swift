public import Log

/// The set of configured miners with their health and breakers; sends requests to the best one.
///
/// `send` (see `MinerPool+Send.swift`) tries miners best-first (see `MinerSelector`), never the same miner twice
/// for one request, and hedges a slow first token on a second miner. An attempt that fails before its first event
/// (connect error, non-2xx, first-token timeout, garbage, empty reply) moves on to the next miner at once; once the
/// first event arrived the reply streams and a failure ends the stream with `UpstreamError.streamInterrupted`
/// (bytes already reached the client). The behaviour and its settings are described in `docs/pool.md`.
public actor MinerPool {
    /// One configured miner and what the pool learned about it.
    struct Miner {
        let config: MinerConfig
        var health = MinerHealth()
        var breaker: CircuitBreaker
        var lastError: String?
        /// What the miner's `GET /v1/models` listed at its last successful probe (empty: unknown).
        var discoveredModels: [String] = []

        /// The models the miner serves: the configured ones override the discovered ones; empty means any.
        var models: [String] { config.models.isEmpty ? discoveredModels : config.models }
    }

    let transport: any MinerTransport
    let settings: MinerPoolSettings
    let logger: Logger
    let observer: MinerPoolObserver
    var miners: [Miner]
    var probeTask: Task<Void, Never>?
    /// When a request with no first event hedges.
    var hedgeDelay: HedgeDelay
    /// How many requests may hedge.
    var hedgeBudget: HedgeBudget

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
        self.hedgeDelay = HedgeDelay(minimum: settings.hedgeMinDelay, maximum: settings.hedgeMaxDelay)
        self.hedgeBudget = HedgeBudget(
            burst: settings.hedgeBudgetBurst, percent: settings.hedgeBudgetPercent, window: settings.hedgeBudgetWindow)
        self.logger = logger
        self.observer = observer
    }

    deinit {
        probeTask?.cancel()
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
                id: miner.config.id, url: miner.config.url, models: miner.models,
                modelsSource: !miner.config.models.isEmpty
                    ? "configured" : miner.discoveredModels.isEmpty ? "none" : "discovered", state: state,
                score: miner.health.score(weight: miner.config.weight), ewmaFirstByteMs: miner.health.ewmaFirstByteMs,
                ewmaTotalMs: miner.health.ewmaTotalMs, errorRate: miner.health.errorRate,
                inFlight: miner.health.inFlight, consecutiveFailures: miner.breaker.consecutiveFailures,
                lastError: miner.lastError)
        }
    }

    /// The union of the models the miners serve (configured or discovered), sorted, each with the ids of the
    /// miners serving it in configuration order.
    public func models() -> [(model: String, miners: [String])] {
        var servers: [String: [String]] = [:]
        for miner in miners {
            for model in Set(miner.models) { servers[model, default: []].append(miner.config.id) }
        }
        return servers.keys.sorted().map { ($0, servers[$0] ?? []) }
    }

    /// The current hedge delay (see `HedgeDelay`).
    public func currentHedgeDelay() -> Duration { hedgeDelay.current }

    func index(of minerID: String) -> Int? {
        miners.firstIndex { $0.config.id == minerID }
    }

    /// Picks the best eligible miner and takes its admission (a probe slot when half-open).
    /// A fallback miner is allowed whatever the session's miner list says: it is the box's own last resort.
    /// `onlyRemote` leaves the fallback out (a hedge never goes to the local model).
    func admitBest(
        model: String?, allowed: Set<String>?, tried: Set<String>, onlyFallback: Bool, onlyRemote: Bool = false,
        now: ContinuousClock.Instant
    ) -> (index: Int, isProbe: Bool)? {
        let candidates = miners.filter {
            (!onlyFallback || $0.config.isFallback) && !(onlyRemote && $0.config.isFallback)
        }.map { miner in
            MinerSelector.Candidate(
                id: miner.config.id, models: miner.models,
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
    /// A request hedged onto the miner (a second attempt while the first waits for its first event).
    public var hedged: @Sendable (_ minerID: String) -> Void

    /// Creates an observer; the defaults ignore everything.
    public init(
        attemptEnded: @escaping @Sendable (_ minerID: String, _ outcome: String) -> Void = { _, _ in },
        firstByte: @escaping @Sendable (_ minerID: String, _ after: Duration) -> Void = { _, _ in },
        hedged: @escaping @Sendable (_ minerID: String) -> Void = { _ in }
    ) {
        self.attemptEnded = attemptEnded
        self.firstByte = firstByte
        self.hedged = hedged
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
        case .busy: "busy"
        case .refused: "refused"
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
