/// How many hedges the pool may send: at most `burst` plus `percent` % of the requests in the last `window`
/// (a sliding window approximated from two fixed ones, as rate limiters do). Keeps a sick or slow pool from
/// doubling the miners' load: once the share is spent, requests wait on their first miner as before.
/// A pure value: callers pass the time.
public struct HedgeBudget: Sendable, Hashable {
    /// Hedges allowed in any window whatever the traffic (so the first requests of a quiet pool may hedge).
    public let burst: Int
    /// Share of the window's requests that may hedge, in percent; 0 turns hedging off.
    public let percent: Int
    /// Length of a window.
    public let window: Duration

    private var windowStart: ContinuousClock.Instant?
    private var requests = 0
    private var hedges = 0
    private var previousRequests = 0
    private var previousHedges = 0

    /// A budget with nothing spent.
    public init(burst: Int, percent: Int, window: Duration) {
        self.burst = max(0, burst)
        self.percent = max(0, min(100, percent))
        self.window = window > .zero ? window : .seconds(1)
    }

    /// Whether hedging is on at all.
    public var isEnabled: Bool { percent > 0 }

    /// Counts a request.
    public mutating func recordRequest(now: ContinuousClock.Instant) {
        roll(now)
        requests += 1
    }

    /// Takes one hedge if the budget allows it at `now`; false (and nothing taken) otherwise.
    public mutating func takeHedge(now: ContinuousClock.Instant) -> Bool {
        guard isEnabled else { return false }
        roll(now)
        let (requestCount, hedgeCount) = counts(now: now)
        // In hundredths, so that 10 % of 10 requests is exactly one hedge.
        guard (hedgeCount + 1) * 100 <= Double(burst * 100) + Double(percent) * requestCount else { return false }
        hedges += 1
        return true
    }

    /// Requests and hedges in the sliding window ending at `now`: the current window's plus the previous window's
    /// weighted by how much of it the sliding window still covers.
    public func counts(now: ContinuousClock.Instant) -> (requests: Double, hedges: Double) {
        guard let windowStart else { return (0, 0) }
        let elapsed = MinerHealth.milliseconds(now - windowStart) / MinerHealth.milliseconds(window)
        let previousWeight = max(0, 1 - min(1, elapsed))
        return (
            Double(requests) + Double(previousRequests) * previousWeight,
            Double(hedges) + Double(previousHedges) * previousWeight
        )
    }

    private mutating func roll(_ now: ContinuousClock.Instant) {
        guard let start = windowStart else {
            windowStart = now
            return
        }
        guard now - start >= window else { return }
        // One window later the current counts become the previous ones; two or more later both are stale.
        let isNext = now - start < window * 2
        previousRequests = isNext ? requests : 0
        previousHedges = isNext ? hedges : 0
        requests = 0
        hedges = 0
        windowStart = isNext ? start + window : now
    }
}
