/// A point-in-time view of one miner for the admin API and metrics. Contains no prompt or key text.
public struct MinerStatus: Sendable, Hashable {
    /// Miner id.
    public var id: String
    /// Base URL.
    public var url: String
    /// Models served: configured, else discovered from the miner's `GET /v1/models` (empty: any).
    public var models: [String]
    /// Where `models` came from: `configured`, `discovered` or `none`.
    public var modelsSource: String
    /// Breaker state: `closed`, `open` or `halfOpen`.
    public var state: String
    /// Current selection score (see `MinerHealth`).
    public var score: Double
    /// EWMA of time to first event in milliseconds; nil until measured.
    public var ewmaFirstByteMs: Double?
    /// EWMA of total reply time in milliseconds; nil until measured.
    public var ewmaTotalMs: Double?
    /// EWMA error rate between 0 and 1.
    public var errorRate: Double
    /// Requests in flight.
    public var inFlight: Int
    /// Failures since the last success.
    public var consecutiveFailures: Int
    /// Summary of the last failure, if any (`UpstreamFailure.summary`).
    public var lastError: String?

    /// Creates a status.
    public init(
        id: String, url: String, models: [String], modelsSource: String = "configured", state: String, score: Double,
        ewmaFirstByteMs: Double?,
        ewmaTotalMs: Double?, errorRate: Double, inFlight: Int, consecutiveFailures: Int, lastError: String?
    ) {
        self.id = id
        self.url = url
        self.models = models
        self.modelsSource = modelsSource
        self.state = state
        self.score = score
        self.ewmaFirstByteMs = ewmaFirstByteMs
        self.ewmaTotalMs = ewmaTotalMs
        self.errorRate = errorRate
        self.inFlight = inFlight
        self.consecutiveFailures = consecutiveFailures
        self.lastError = lastError
    }
}
