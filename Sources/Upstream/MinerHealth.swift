/// Running health of one miner: exponentially weighted moving averages (EWMA) of latency and error rate,
/// plus the number of requests in flight. A pure value; the pool owns one per miner.
///
/// Each EWMA moves a fraction `smoothing` (α) towards every new sample: `avg ← avg + α · (sample − avg)`;
/// the first latency sample seeds the average. Error rate samples are 1 (failure) or 0 (success).
///
/// Score (higher is better), used by `MinerSelector`:
///
///     score = weight × (1 − errorRate) / ((1 + ttfbMs / latencyScaleMs) × (1 + inFlight))
///
/// A miner never measured counts as latency 0 (it is tried early, so it gets measured). The in-flight term
/// spreads concurrent requests: a miner with twice the weight carries about twice the requests in flight.
public struct MinerHealth: Sendable, Hashable {
    /// α of every EWMA.
    public static let smoothing = 0.2
    /// Time-to-first-byte that halves a miner's score relative to an instant one, in milliseconds.
    public static let latencyScaleMs = 1000.0

    /// EWMA of the time from sending the request to the first event, in milliseconds (nil: never measured).
    public private(set) var ewmaFirstByteMs: Double?
    /// EWMA of the time from sending the request to the end of a successful reply, in milliseconds.
    public private(set) var ewmaTotalMs: Double?
    /// EWMA of failures (0 = none of the recent requests failed, 1 = all did).
    public private(set) var errorRate: Double = 0
    /// Requests currently sent to this miner.
    public private(set) var inFlight: Int = 0

    /// Creates the health of a miner never measured.
    public init() {}

    /// Counts a request that is being sent.
    public mutating func beginRequest() {
        inFlight += 1
    }

    /// Counts a request that ended, whatever its outcome.
    public mutating func endRequest() {
        inFlight = max(0, inFlight - 1)
    }

    /// Records how long the first event of a request took.
    public mutating func recordFirstByte(after latency: Duration) {
        ewmaFirstByteMs = Self.blend(ewmaFirstByteMs, Self.milliseconds(latency))
    }

    /// Records a request that lost a hedge race after `elapsed` with no first event: its first byte would have come
    /// later than that (a lower bound), so the average moves towards it, never down. Not a failure.
    public mutating func recordSlow(after elapsed: Duration) {
        let sample = Self.milliseconds(elapsed)
        ewmaFirstByteMs = Self.blend(ewmaFirstByteMs, max(sample, ewmaFirstByteMs ?? 0))
    }

    /// Records a successful reply and its total duration.
    public mutating func recordSuccess(total: Duration) {
        ewmaTotalMs = Self.blend(ewmaTotalMs, Self.milliseconds(total))
        errorRate = Self.blend(errorRate, 0)
    }

    /// Records a failed request.
    public mutating func recordFailure() {
        errorRate = Self.blend(errorRate, 1)
    }

    /// The selection score for a miner of the given configured weight (see the type's documentation).
    public func score(weight: Double) -> Double {
        let latencyFactor = 1 + (ewmaFirstByteMs ?? 0) / Self.latencyScaleMs
        let reliability = max(0, 1 - errorRate)
        return max(0, weight) * reliability / (latencyFactor * Double(1 + inFlight))
    }

    /// A duration in (fractional) milliseconds.
    static func milliseconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) * 1000 + Double(attoseconds) / 1e15
    }

    private static func blend(_ average: Double?, _ sample: Double) -> Double {
        guard let average else { return sample }
        return average + smoothing * (sample - average)
    }
}
