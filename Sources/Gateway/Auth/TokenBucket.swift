import System

/// A token bucket: `capacity` requests at once, refilled at `refillPerSecond`.
///
/// A value type with no clock of its own, so tests drive it with explicit instants.
public struct TokenBucket: Sendable, Equatable {
    /// What the bucket decided for one request.
    public enum Decision: Sendable, Equatable {
        /// The request may proceed.
        case allowed
        /// The request is over the limit; a token is available again after `retryAfter`.
        case limited(retryAfter: Duration)
    }

    /// Most tokens the bucket holds (the burst).
    public let capacity: Double
    /// Tokens added per second.
    public let refillPerSecond: Double
    private(set) var tokens: Double
    private(set) var updatedAt: ContinuousClock.Instant

    /// Creates a full bucket.
    public init(capacity: Int, refillPerSecond: Double, now: ContinuousClock.Instant) {
        self.capacity = Double(max(capacity, 1))
        self.refillPerSecond = max(refillPerSecond, 0)
        self.tokens = self.capacity
        self.updatedAt = now
    }

    /// Takes one token if there is one.
    public mutating func take(now: ContinuousClock.Instant) -> Decision {
        refill(now: now)
        if tokens >= 1 {
            tokens -= 1
            return .allowed
        }
        guard refillPerSecond > 0 else { return .limited(retryAfter: .seconds(3600)) }
        let seconds = (1 - tokens) / refillPerSecond
        return .limited(retryAfter: .milliseconds(Int64((seconds * 1000).rounded(.up))))
    }

    /// Whether the bucket would be full at `now` (then it can be forgotten).
    public func isFull(now: ContinuousClock.Instant) -> Bool {
        var copy = self
        copy.refill(now: now)
        return copy.tokens >= capacity
    }

    private mutating func refill(now: ContinuousClock.Instant) {
        guard now > updatedAt else { return }
        tokens = min(capacity, tokens + updatedAt.duration(to: now).seconds * refillPerSecond)
        updatedAt = now
    }
}
