/// When to hedge: the pool's observed first-token latency at a high percentile (p95 by default), clamped to a
/// configured range. A pure value; the pool owns one.
///
/// Samples go into a ring of the last `capacity` first-token latencies of the whole pool; the percentile is
/// recomputed every `refreshEvery` samples (a sort of at most `capacity` numbers) and cached, so reading the
/// delay on the hot path is a load, and recording a sample is a store and a counter.
/// With no sample yet the delay is the top of the range: nothing says the pool is fast.
public struct HedgeDelay: Sendable, Hashable {
    /// Samples kept.
    public static let capacity = 256
    /// Samples between two recomputations of the percentile.
    public static let refreshEvery = 16

    /// Shortest delay (the percentile is raised to this).
    public let minimum: Duration
    /// Longest delay (the percentile is lowered to this); also the delay before any sample.
    public let maximum: Duration
    /// The percentile, between 0 and 1.
    public let percentile: Double

    private var samplesMs: [Double] = []  // (capacity) ring of first-token latencies in milliseconds
    private var next = 0
    private var sinceRefresh = 0
    /// The cached delay.
    public private(set) var current: Duration

    /// An estimator with no sample; `maximum` below `minimum` is raised to it.
    public init(minimum: Duration, maximum: Duration, percentile: Double = 0.95) {
        self.minimum = max(.zero, minimum)
        self.maximum = max(self.minimum, maximum)
        self.percentile = min(1, max(0, percentile))
        self.current = self.maximum
        samplesMs.reserveCapacity(Self.capacity)
    }

    /// Records one first-token latency; refreshes the cached delay every `refreshEvery` samples (and at the first).
    public mutating func record(_ latency: Duration) {
        let sample = max(0, MinerHealth.milliseconds(latency))
        if samplesMs.count < Self.capacity {
            samplesMs.append(sample)
        } else {
            samplesMs[next] = sample
        }
        next = (next + 1) % Self.capacity
        sinceRefresh += 1
        if sinceRefresh >= Self.refreshEvery || samplesMs.count == 1 { refresh() }
    }

    /// Number of samples held.
    public var sampleCount: Int { samplesMs.count }

    /// Recomputes the delay from the samples held: nearest-rank percentile, clamped.
    public mutating func refresh() {
        sinceRefresh = 0
        guard !samplesMs.isEmpty else {
            current = maximum
            return
        }
        let sorted = samplesMs.sorted()
        let rank = Int((percentile * Double(sorted.count)).rounded(.up))
        let value = sorted[min(sorted.count - 1, max(0, rank - 1))]
        current = min(maximum, max(minimum, .microseconds(Int64((value * 1000).rounded()))))
    }
}
