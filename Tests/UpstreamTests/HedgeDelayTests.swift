import Testing
import Upstream

@Suite struct HedgeDelayTests {
    func estimator(min: Int = 100, max: Int = 2000) -> HedgeDelay {
        HedgeDelay(minimum: .milliseconds(min), maximum: .milliseconds(max))
    }

    @Test func withoutSamplesTheDelayIsTheMaximum() {
        #expect(estimator().current == .milliseconds(2000))
        #expect(estimator().sampleCount == 0)
    }

    @Test func theFirstSampleSetsTheDelayAtOnce() {
        var delay = estimator()
        delay.record(.milliseconds(300))
        #expect(delay.current == .milliseconds(300))
    }

    /// 1…100 ms: the nearest-rank p95 is 95 ms (above the 50 ms floor).
    @Test func delayIsTheNearestRankP95() {
        var delay = estimator(min: 50)
        for ms in 1...100 { delay.record(.milliseconds(ms)) }
        delay.refresh()
        #expect(delay.current == .milliseconds(95))
    }

    @Test(arguments: [(1, 100), (5000, 2000), (700, 700)])
    func delayIsClampedToTheRange(sample: Int, expected: Int) {
        var delay = estimator()
        for _ in 0..<HedgeDelay.refreshEvery { delay.record(.milliseconds(sample)) }
        #expect(delay.current == .milliseconds(expected))
    }

    /// The ring keeps the last `capacity` samples: old slow ones age out.
    @Test func oldSamplesAgeOut() {
        var delay = estimator()
        for _ in 0..<HedgeDelay.capacity { delay.record(.milliseconds(1500)) }
        #expect(delay.current == .milliseconds(1500))
        for _ in 0..<HedgeDelay.capacity { delay.record(.milliseconds(200)) }
        delay.refresh()
        #expect(delay.sampleCount == HedgeDelay.capacity)
        #expect(delay.current == .milliseconds(200))
    }

    /// A few slow outliers (under 5 %) do not move the p95; more than that do.
    @Test func p95IgnoresRareOutliers() {
        var delay = estimator()
        for index in 0..<160 { delay.record(.milliseconds(index % 40 == 0 ? 1900 : 200)) }
        delay.refresh()
        #expect(delay.current == .milliseconds(200))
        for _ in 0..<16 { delay.record(.milliseconds(1900)) }
        delay.refresh()
        #expect(delay.current == .milliseconds(1900))
    }

    @Test func maximumBelowMinimumIsRaised() {
        let delay = HedgeDelay(minimum: .seconds(3), maximum: .seconds(1))
        #expect(delay.maximum == .seconds(3) && delay.current == .seconds(3))
    }
}

@Suite struct HedgeBudgetTests {
    let start = ContinuousClock.now

    @Test func burstAllowsTheFirstHedgesOfAQuietPool() {
        var budget = HedgeBudget(burst: 2, percent: 10, window: .seconds(10))
        budget.recordRequest(now: start)
        let taken = (0..<3).map { _ in budget.takeHedge(now: start) }
        #expect(taken == [true, true, false])
    }

    @Test func shareOfRequestsInTheWindow() {
        var budget = HedgeBudget(burst: 0, percent: 10, window: .seconds(10))
        var taken = 0
        for index in 0..<200 {
            let now = start + .milliseconds(index * 10)  // 200 requests in 2 s: one window
            budget.recordRequest(now: now)
            if budget.takeHedge(now: now) { taken += 1 }
        }
        #expect(taken == 20)
    }

    /// Over many windows every request asks to hedge: the total stays within burst per window plus the share.
    @Test func staysWithinBudgetOverManyWindows() {
        var budget = HedgeBudget(burst: 3, percent: 5, window: .seconds(1))
        var taken = 0
        let total = 2000
        for index in 0..<total {
            let now = start + .milliseconds(index * 5)  // 10 s: 10 windows
            budget.recordRequest(now: now)
            if budget.takeHedge(now: now) { taken += 1 }
        }
        #expect(taken <= total * 5 / 100 + 3 * 11)
        #expect(taken >= total * 5 / 100)
    }

    @Test func aWindowLaterTheShareIsBack() {
        var budget = HedgeBudget(burst: 1, percent: 10, window: .seconds(1))
        budget.recordRequest(now: start)
        let taken = (0..<2).map { _ in budget.takeHedge(now: start) }
        #expect(taken == [true, false])
        let later = start + .seconds(5)
        budget.recordRequest(now: later)
        let takenLater = budget.takeHedge(now: later)
        #expect(takenLater)
    }

    @Test func zeroPercentIsOff() {
        var budget = HedgeBudget(burst: 5, percent: 0, window: .seconds(10))
        budget.recordRequest(now: start)
        let taken = budget.takeHedge(now: start)
        #expect(!budget.isEnabled && !taken)
    }
}

@Suite struct MinerModelListTests {
    @Test func readsOpenAIModelIDs() {
        let body = #"{"object":"list","data":[{"id":"tiny","object":"model"},{"id":"qwen"},{"id":"tiny"}]}"#
        #expect(MinerModelList.ids(in: Array(body.utf8)) == ["tiny", "qwen"])
    }

    @Test(arguments: [
        "", "garbage", "[]", #"{"data":{}}"#, #"{"data":[1,"x",{"name":"a"}]}"#, #"{"data":[{"id":""}]}"#,
        #"{"data":[{"id":"a\u0000b"}]}"#, #"{"data":[{"id":7}]}"#,
    ])
    func hostileOrEmptyListsYieldNothing(body: String) {
        #expect(MinerModelList.ids(in: Array(body.utf8)).isEmpty)
    }

    @Test func boundsCountAndLength() {
        let long = String(repeating: "x", count: MinerModelList.maxIDBytes + 1)
        let ids = (0..<(MinerModelList.maxModels + 10)).map { #"{"id":"m\#($0)"}"# }
        let body = #"{"data":[{"id":"\#(long)"},"# + ids.joined(separator: ",") + "]}"
        let parsed = MinerModelList.ids(in: Array(body.utf8))
        #expect(parsed.count == MinerModelList.maxModels && parsed.first == "m0")
    }
}
