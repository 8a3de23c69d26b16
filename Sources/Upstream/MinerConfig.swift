/// One statically configured miner: an upstream that speaks the OpenAI-compatible HTTP API.
public struct MinerConfig: Sendable, Hashable {
    /// Stable identifier used in logs, metrics, task records and session miner lists.
    public var id: String
    /// Base URL of the miner, e.g. `http://127.0.0.1:8080` (the pool appends `/v1/...`).
    public var url: String
    /// Models the miner serves; empty means "whatever it serves" (any model is routed to it).
    public var models: [String]
    /// Relative selection weight; higher weights get proportionally more traffic among healthy miners.
    public var weight: Double
    /// Bearer key sent to the miner, if it needs one.
    public var apiKey: String?
    /// A last resort (the local fallback model): tried only after every other miner, for any model, even
    /// when the request's attempts are spent.
    public var isFallback: Bool

    /// Creates a miner entry.
    public init(
        id: String, url: String, models: [String] = [], weight: Double = 1, apiKey: String? = nil,
        isFallback: Bool = false
    ) {
        self.id = id
        self.url = url
        self.models = models
        self.weight = weight
        self.apiKey = apiKey
        self.isFallback = isFallback
    }
}

/// Tuning of the miner pool: retries, timeouts, health probes and circuit breakers.
public struct MinerPoolSettings: Sendable, Hashable {
    /// Most miners tried for one request (a retry happens only before the first byte); 0: no cap, a request is
    /// bounded by its deadline and the miners that could serve it.
    public var maxAttempts: Int = 0
    /// Longest wait for a miner's first token before trying the next miner.
    public var firstTokenTimeout: Duration = .seconds(30)
    /// Longest wait between a miner's events once its reply started; a stalled miner is cut and charged a failure.
    public var interTokenTimeout: Duration = .seconds(30)
    /// Most text deltas (≈ tokens) one reply may carry, whatever the request's `max_tokens`; a request without
    /// `max_tokens` gets this. A request with one gets `2 × max_tokens + 16`, capped here.
    public var maxReplyTokens: Int = 32_768
    /// Most bytes of text one reply may carry (a request's share is 128 bytes per allowed token, capped here); its
    /// wire bytes may be 16 times that plus 64 KiB.
    public var maxReplyBytes: Int = 4 << 20
    /// Longest connect time to a miner.
    public var connectTimeout: Duration = .seconds(5)
    /// Interval between health probes (`GET /v1/models`) of each miner.
    public var probeInterval: Duration = .seconds(15)
    /// Consecutive failures that open a miner's circuit breaker.
    public var breakerFailureThreshold: Int = 3
    /// How long an open breaker stays open before a half-open probe request is let through.
    public var breakerOpenDuration: Duration = .seconds(30)
    /// Time kept for the fallback miner (the local model) before a request's deadline: a remote miner must send its
    /// first token before `deadline - fallbackReserve`, and with less time left than that the request goes straight
    /// to the fallback. Zero turns this off; it applies only when a fallback miner exists.
    public var fallbackReserve: Duration = .seconds(15)
    /// Shortest hedge delay: the pool's p95 first-token latency is raised to this.
    public var hedgeMinDelay: Duration = .milliseconds(250)
    /// Longest hedge delay: the p95 is lowered to this; also the delay before any first token was observed.
    public var hedgeMaxDelay: Duration = .seconds(2)
    /// Share of requests (percent, per window) that may hedge on a second miner; 0 turns hedging off.
    public var hedgeBudgetPercent: Int = 10
    /// Hedges allowed per window on top of the share, so the first requests of a quiet pool may hedge.
    public var hedgeBudgetBurst: Int = 3
    /// The window the hedge budget counts requests and hedges over.
    public var hedgeBudgetWindow: Duration = .seconds(10)

    /// Creates settings with the defaults above.
    public init() {}
}
