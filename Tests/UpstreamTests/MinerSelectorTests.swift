import Testing
import Upstream

@Suite struct MinerSelectorTests {
    let now = ContinuousClock.now

    func closed() -> CircuitBreaker { CircuitBreaker(failureThreshold: 1, openDuration: .seconds(10)) }

    func open(expired: Bool) -> CircuitBreaker {
        var breaker = closed()
        _ = breaker.recordFailure(now: expired ? now - .seconds(20) : now)
        return breaker
    }

    func halfOpenWithProbeInFlight() -> CircuitBreaker {
        var breaker = open(expired: true)
        _ = breaker.admit(now: now)
        return breaker
    }

    func candidate(_ id: String, score: Double, models: [String] = [], breaker: CircuitBreaker? = nil)
        -> MinerSelector.Candidate
    {
        MinerSelector.Candidate(id: id, models: models, score: score, breaker: breaker ?? closed())
    }

    @Test func ordersByScoreThenId() {
        let order = MinerSelector.order(
            [candidate("c", score: 1), candidate("a", score: 1), candidate("b", score: 2)], model: nil, allowed: nil,
            excluding: [], now: now)
        #expect(order == ["b", "a", "c"])
    }

    @Test func halfOpenComesAfterClosedAndOpenIsExcluded() {
        let order = MinerSelector.order(
            [
                candidate("probe", score: 9, breaker: open(expired: true)),
                candidate("open", score: 9, breaker: open(expired: false)),
                candidate("busy", score: 9, breaker: halfOpenWithProbeInFlight()),
                candidate("slow", score: 0.1),
            ], model: nil, allowed: nil, excluding: [], now: now)
        #expect(order == ["slow", "probe"])
    }

    @Test func filtersByAllowedIdsAndTried() {
        let all = [candidate("a", score: 3), candidate("b", score: 2), candidate("c", score: 1)]
        #expect(MinerSelector.order(all, model: nil, allowed: ["c", "a"], excluding: [], now: now) == ["a", "c"])
        #expect(MinerSelector.order(all, model: nil, allowed: nil, excluding: ["a"], now: now) == ["b", "c"])
        #expect(MinerSelector.order(all, model: nil, allowed: [], excluding: [], now: now) == [])
    }

    @Test(arguments: [
        ("llama", ["a", "any"]),
        ("qwen", ["any", "b"]),
        ("mistral", ["any"]),
        ("", ["a", "any", "b"]),
    ])
    func filtersByModel(model: String, expected: [String]) {
        let all = [
            candidate("a", score: 3, models: ["llama"]), candidate("any", score: 2),
            candidate("b", score: 1, models: ["qwen", "phi"]),
        ]
        #expect(MinerSelector.order(all, model: model, allowed: nil, excluding: [], now: now) == expected)
    }

    @Test func fallbackComesLastAndServesEveryModel() {
        var fallback = candidate("local", score: 100, models: ["tiny"])
        fallback.isFallback = true
        let order = MinerSelector.order(
            [fallback, candidate("probe", score: 1, breaker: open(expired: true)), candidate("m", score: 1)],
            model: "llama-70b", allowed: nil, excluding: [], now: now)
        #expect(order == ["m", "probe", "local"])
        #expect(MinerSelector.serves(fallback, model: "llama-70b"))
    }

    @Test func nilModelMatchesEveryMiner() {
        let all = [candidate("a", score: 1, models: ["llama"]), candidate("b", score: 1, models: ["qwen"])]
        #expect(MinerSelector.order(all, model: nil, allowed: nil, excluding: [], now: now) == ["a", "b"])
    }
}

@Suite struct MinerSelectorModelTests {
    let now = ContinuousClock.now

    func candidate(_ id: String, score: Double, models: [String], isFallback: Bool = false) -> MinerSelector.Candidate {
        MinerSelector.Candidate(
            id: id, models: models, score: score,
            breaker: CircuitBreaker(failureThreshold: 1, openDuration: .seconds(10)), isFallback: isFallback)
    }

    /// A miner that lists models serves only those; one that lists none serves any; the fallback serves all.
    @Test func routesToMinersServingTheModel() {
        let candidates = [
            candidate("a", score: 9, models: ["llama"]), candidate("b", score: 1, models: ["qwen", "phi"]),
            candidate("c", score: 2, models: []), candidate("local", score: 5, models: ["tiny"], isFallback: true),
        ]
        let qwen = MinerSelector.order(candidates, model: "qwen", allowed: nil, excluding: [], now: now)
        #expect(qwen == ["c", "b", "local"])
        let any = MinerSelector.order(candidates, model: nil, allowed: nil, excluding: [], now: now)
        #expect(any == ["a", "c", "b", "local"])
        let excluded = MinerSelector.order(candidates, model: "qwen", allowed: nil, excluding: ["c"], now: now)
        #expect(excluded == ["b", "local"])
    }
}
