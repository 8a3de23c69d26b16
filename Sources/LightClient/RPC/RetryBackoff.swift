/// Exponential backoff with jitter between retries of a transport failure.
public struct RetryBackoff: Sendable, Equatable {
    /// The delay before the first retry (before jitter).
    public var base: Duration
    /// The largest delay, whatever the retry count.
    public var cap: Duration

    /// Creates a backoff doubling from `base` up to `cap`.
    public init(base: Duration = .milliseconds(100), cap: Duration = .seconds(2)) {
        self.base = base
        self.cap = cap
    }

    /// The delay before retry number `retry` (1 for the first): `min(cap, base·2^(retry−1))` scaled by a factor in
    /// [0.5, 1) drawn from `random`, so concurrent clients spread out. Never above `cap`.
    public func delay(retry: Int, random: UInt64) -> Duration {
        var ceiling = base
        for _ in 1..<max(1, min(retry, 63)) where ceiling < cap {
            ceiling = ceiling * 2
        }
        ceiling = min(ceiling, cap)
        let fraction = Double(random >> 11) / Double(UInt64(1) << 53)
        return ceiling * (0.5 + fraction / 2)
    }
}
