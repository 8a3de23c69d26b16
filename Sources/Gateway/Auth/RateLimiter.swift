import Synchronization

/// Per-key token buckets shared by all request handlers.
///
/// Buckets that have refilled completely carry no information and are dropped when the table grows past
/// `maxTrackedKeys`, so memory stays bounded whatever keys callers present.
public final class RateLimiter: Sendable {
    private let capacity: Int
    private let refillPerSecond: Double
    private let maxTrackedKeys: Int
    private let buckets = Mutex<[String: TokenBucket]>([:])

    /// Creates a limiter allowing `requestsPerMinute` sustained and `burst` at once; 0 per minute disables it.
    public init(requestsPerMinute: Int, burst: Int, maxTrackedKeys: Int = 10_000) {
        self.capacity = max(burst, 1)
        self.refillPerSecond = Double(requestsPerMinute) / 60
        self.maxTrackedKeys = maxTrackedKeys
    }

    /// Whether rate limiting is switched on.
    public var isEnabled: Bool { refillPerSecond > 0 }

    /// Keys with a bucket in the table (for tests and metrics).
    var trackedKeyCount: Int { buckets.withLock { $0.count } }

    /// Charges one request to `key`.
    public func take(key: String, now: ContinuousClock.Instant = .now) -> TokenBucket.Decision {
        guard isEnabled else { return .allowed }
        return buckets.withLock { table in
            if table.count >= maxTrackedKeys, table[key] == nil {
                table = table.filter { !$0.value.isFull(now: now) }
            }
            var bucket = table[key] ?? TokenBucket(capacity: capacity, refillPerSecond: refillPerSecond, now: now)
            let decision = bucket.take(now: now)
            table[key] = bucket
            return decision
        }
    }
}
