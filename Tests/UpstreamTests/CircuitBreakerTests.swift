import Testing
import Upstream

@Suite struct CircuitBreakerTests {
    let start = ContinuousClock.now

    @Test func opensAfterThresholdConsecutiveFailures() {
        var breaker = CircuitBreaker(failureThreshold: 3, openDuration: .seconds(10))
        #expect(breaker.recordFailure(now: start) == nil)
        #expect(breaker.recordFailure(now: start) == nil)
        #expect(breaker.state == .closed)
        #expect(breaker.recordFailure(now: start) == .opened)
        #expect(breaker.state == .open(until: start + .seconds(10)))
        #expect(breaker.consecutiveFailures == 3)
    }

    @Test func successResetsTheFailureCount() {
        var breaker = CircuitBreaker(failureThreshold: 2, openDuration: .seconds(10))
        _ = breaker.recordFailure(now: start)
        #expect(breaker.recordSuccess(now: start) == nil)
        #expect(breaker.consecutiveFailures == 0)
        #expect(breaker.recordFailure(now: start) == nil)
        #expect(breaker.state == .closed)
    }

    @Test func openRejectsUntilItsDurationPassed() {
        var breaker = CircuitBreaker(failureThreshold: 1, openDuration: .seconds(10))
        _ = breaker.recordFailure(now: start)
        #expect(!breaker.canAdmit(now: start + .seconds(9)))
        #expect(breaker.admit(now: start + .seconds(9)) == (.rejected, nil))
        #expect(breaker.effectiveState(now: start + .seconds(9)) == .open(until: start + .seconds(10)))
        #expect(breaker.effectiveState(now: start + .seconds(10)) == .halfOpen(probeInFlight: false))
        #expect(breaker.canAdmit(now: start + .seconds(10)))
    }

    @Test func halfOpenLetsExactlyOneProbeThrough() {
        var breaker = CircuitBreaker(failureThreshold: 1, openDuration: .seconds(10))
        _ = breaker.recordFailure(now: start)
        let later = start + .seconds(11)
        #expect(breaker.admit(now: later) == (.probe, .halfOpened))
        #expect(breaker.state == .halfOpen(probeInFlight: true))
        #expect(!breaker.canAdmit(now: later))
        #expect(breaker.admit(now: later) == (.rejected, nil))
    }

    @Test func probeSuccessCloses() {
        var breaker = CircuitBreaker(failureThreshold: 1, openDuration: .seconds(10))
        _ = breaker.recordFailure(now: start)
        _ = breaker.admit(now: start + .seconds(11))
        #expect(breaker.recordSuccess(now: start + .seconds(12)) == .closed)
        #expect(breaker.state == .closed)
        #expect(breaker.consecutiveFailures == 0)
        #expect(breaker.admit(now: start + .seconds(12)) == (.allowed, nil))
    }

    @Test func probeFailureReopensForAnotherPeriod() {
        var breaker = CircuitBreaker(failureThreshold: 2, openDuration: .seconds(10))
        _ = breaker.recordFailure(now: start)
        _ = breaker.recordFailure(now: start)
        _ = breaker.admit(now: start + .seconds(11))
        #expect(breaker.recordFailure(now: start + .seconds(12)) == .opened)
        #expect(breaker.state == .open(until: start + .seconds(22)))
        #expect(breaker.consecutiveFailures == 3)
    }

    @Test func releasedProbeFreesTheSlot() {
        var breaker = CircuitBreaker(failureThreshold: 1, openDuration: .seconds(10))
        _ = breaker.recordFailure(now: start)
        _ = breaker.admit(now: start + .seconds(11))
        breaker.releaseProbe()
        #expect(breaker.state == .halfOpen(probeInFlight: false))
        #expect(breaker.admit(now: start + .seconds(11)) == (.probe, nil))
    }

    @Test func lateResultsWhileOpenChangeNothing() {
        var breaker = CircuitBreaker(failureThreshold: 1, openDuration: .seconds(10))
        _ = breaker.recordFailure(now: start)
        let open = breaker.state
        #expect(breaker.recordSuccess(now: start + .seconds(1)) == nil)
        #expect(breaker.recordFailure(now: start + .seconds(2)) == nil)
        #expect(breaker.state == open)
    }

    @Test func releaseOnClosedBreakerIsANoOp() {
        var breaker = CircuitBreaker(failureThreshold: 1, openDuration: .seconds(10))
        breaker.releaseProbe()
        #expect(breaker.state == .closed)
    }
}
