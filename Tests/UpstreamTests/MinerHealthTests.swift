import Testing
import Upstream

@Suite struct MinerHealthTests {
    @Test func firstLatencySampleSeedsTheAverage() {
        var health = MinerHealth()
        #expect(health.ewmaFirstByteMs == nil)
        health.recordFirstByte(after: .milliseconds(100))
        #expect(health.ewmaFirstByteMs == 100)
    }

    @Test func latencyMovesByTheSmoothingFactor() {
        var health = MinerHealth()
        health.recordFirstByte(after: .milliseconds(100))
        health.recordFirstByte(after: .milliseconds(200))
        // 100 + 0.2 × (200 − 100)
        #expect(abs(health.ewmaFirstByteMs! - 120) < 1e-9)
        health.recordSuccess(total: .milliseconds(1500))
        health.recordSuccess(total: .milliseconds(500))
        // 1500 + 0.2 × (500 − 1500)
        #expect(abs(health.ewmaTotalMs! - 1300) < 1e-9)
    }

    @Test func errorRateIsAnAverageOfOutcomes() {
        var health = MinerHealth()
        health.recordFailure()
        #expect(abs(health.errorRate - 0.2) < 1e-12)
        health.recordFailure()
        #expect(abs(health.errorRate - 0.36) < 1e-12)
        health.recordSuccess(total: .milliseconds(10))
        #expect(abs(health.errorRate - 0.288) < 1e-12)
    }

    @Test func scoreFollowsTheDocumentedFormula() {
        var health = MinerHealth()
        #expect(health.score(weight: 2) == 2)
        health.recordFirstByte(after: .milliseconds(1000))
        #expect(health.score(weight: 2) == 1)  // 2 / (1 + 1000/1000)
        health.recordFailure()
        #expect(abs(health.score(weight: 2) - 0.8) < 1e-12)  // × (1 − 0.2)
        health.beginRequest()
        #expect(abs(health.score(weight: 2) - 0.4) < 1e-12)  // / (1 + 1 in flight)
        health.endRequest()
        health.endRequest()
        #expect(health.inFlight == 0)
        #expect(health.score(weight: -1) == 0)
    }

    @Test func fasterMinerScoresHigher() {
        var fast = MinerHealth()
        var slow = MinerHealth()
        fast.recordFirstByte(after: .milliseconds(50))
        slow.recordFirstByte(after: .milliseconds(900))
        #expect(fast.score(weight: 1) > slow.score(weight: 1))
        #expect(slow.score(weight: 3) > fast.score(weight: 1))
    }
}
