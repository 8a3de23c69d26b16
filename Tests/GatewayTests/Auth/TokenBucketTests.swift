import Testing

@testable import Gateway

@Suite struct TokenBucketTests {
    let start = ContinuousClock.now

    @Test func burstThenLimitedWithRetryAfter() {
        var bucket = TokenBucket(capacity: 3, refillPerSecond: 1, now: start)
        #expect(bucket.take(now: start) == .allowed)
        #expect(bucket.take(now: start) == .allowed)
        #expect(bucket.take(now: start) == .allowed)
        #expect(bucket.take(now: start) == .limited(retryAfter: .seconds(1)))
    }

    @Test func refillsOverTimeUpToCapacity() {
        var bucket = TokenBucket(capacity: 2, refillPerSecond: 2, now: start)
        _ = bucket.take(now: start)
        _ = bucket.take(now: start)
        #expect(bucket.take(now: start.advanced(by: .milliseconds(250))) == .limited(retryAfter: .milliseconds(250)))
        #expect(bucket.take(now: start.advanced(by: .milliseconds(500))) == .allowed)
        #expect(bucket.isFull(now: start.advanced(by: .seconds(100))))
        // Long idleness never accumulates more than the burst.
        let later = start.advanced(by: .seconds(100))
        #expect(bucket.take(now: later) == .allowed)
        #expect(bucket.take(now: later) == .allowed)
        #expect(bucket.take(now: later) != .allowed)
    }

    @Test func clockGoingBackwardsGrantsNothing() {
        var bucket = TokenBucket(capacity: 1, refillPerSecond: 1, now: start.advanced(by: .seconds(10)))
        _ = bucket.take(now: start.advanced(by: .seconds(10)))
        #expect(bucket.take(now: start) != .allowed)
    }

    @Test func limiterKeepsKeysApartAndBoundsItsTable() {
        let limiter = RateLimiter(requestsPerMinute: 60, burst: 1, maxTrackedKeys: 4)
        #expect(limiter.take(key: "a", now: start) == .allowed)
        #expect(limiter.take(key: "a", now: start) != .allowed)
        #expect(limiter.take(key: "b", now: start) == .allowed)
        for index in 0..<100 {
            _ = limiter.take(key: "k\(index)", now: start.advanced(by: .seconds(Int64(index) * 10)))
        }
        // Refilled buckets carry no state and are dropped, so the table stays bounded.
        #expect(limiter.trackedKeyCount <= 4)
        #expect(limiter.take(key: "a", now: start.advanced(by: .seconds(2000))) == .allowed)
    }

    @Test func zeroRateDisablesLimiting() {
        let limiter = RateLimiter(requestsPerMinute: 0, burst: 1)
        for _ in 0..<100 { #expect(limiter.take(key: "x") == .allowed) }
    }
}
