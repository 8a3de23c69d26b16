import Testing

@testable import Inference

@Suite struct SamplerTests {
    static let logits: [Float] = [1.0, 3.0, 2.5, -1.0, 0.0, 2.9]

    private func parameters(_ change: (inout SamplingParameters) -> Void) -> SamplingParameters {
        var parameters = SamplingParameters()
        parameters.seed = 42
        change(&parameters)
        return parameters
    }

    private func draws(_ parameters: SamplingParameters, count: Int = 2000) -> [TokenID: Int] {
        var sampler = Sampler(parameters)
        var counts: [TokenID: Int] = [:]
        for _ in 0..<count { counts[sampler.sample(Self.logits), default: 0] += 1 }
        return counts
    }

    @Test func greedyPicksTheHighestLogit() {
        var sampler = Sampler(.greedy)
        #expect(sampler.sample(Self.logits) == 1)
        #expect(sampler.sample([0, 0, 0]) == 0)  // ties: the lowest id
    }

    @Test func theSameSeedGivesTheSameTokens() {
        func tokens(seed: UInt64) -> [TokenID] {
            var sampler = Sampler(parameters { $0.seed = seed })
            return (0..<50).map { _ in sampler.sample(Self.logits) }
        }
        #expect(tokens(seed: 42) == tokens(seed: 42))
        #expect(tokens(seed: 42) != tokens(seed: 43))
        #expect(Set(tokens(seed: 42)).count > 1, "not greedy in disguise")
    }

    @Test func topKOneAndTinyTopPAndFullMinPAreGreedy() {
        #expect(draws(parameters { $0.topK = 1 }).keys.sorted() == [1])
        #expect(draws(parameters { $0.topP = 0.01 }).keys.sorted() == [1])
        #expect(draws(parameters { $0.minP = 1 }).keys.sorted() == [1])
    }

    @Test func topKKeepsOnlyTheKBest() {
        #expect(
            draws(
                parameters {
                    $0.topK = 3; $0.topP = 1; $0.minP = 0
                }
            ).keys.sorted() == [1, 2, 5])
    }

    @Test func minPDropsUnlikelyTokens() {
        // p(x)/p(best) = exp(logit - 3): 0.9 keeps 5 (0.905) and drops 2 (0.61).
        #expect(
            draws(
                parameters {
                    $0.topK = 0; $0.topP = 1; $0.minP = 0.9
                }
            ).keys.sorted() == [1, 5])
    }

    @Test func drawsFollowTheTemperedSoftmax() {
        let parameters = parameters {
            $0.topK = 0
            $0.topP = 1
            $0.minP = 0
            $0.temperature = 1
        }
        let count = 20000
        let counts = draws(parameters, count: count)
        let expected = Sampler.softmax(Self.logits)
        for (token, probability) in expected.enumerated() {
            let observed = Double(counts[TokenID(token), default: 0]) / Double(count)
            // 20,000 draws: a binomial standard deviation is at most 0.0036; allow about 4 of them.
            #expect(abs(observed - Double(probability)) < 0.015, "token \(token)")
        }
    }

    @Test func penaltiesSteerAwayFromRepeats() {
        var repetition = Sampler(
            parameters {
                $0.temperature = 0; $0.repetitionPenalty = 1.5
            })
        // 3.0 / 1.5 = 2.0 < 2.9: token 5 wins once token 1 was seen.
        #expect(repetition.sample(Self.logits, history: [1]) == 5)
        var frequency = Sampler(
            parameters {
                $0.temperature = 0; $0.frequencyPenalty = 0.3
            })
        #expect(frequency.sample(Self.logits, history: [1]) == 5)  // 3.0 - 0.3 = 2.7 < 2.9
        var presence = Sampler(
            parameters {
                $0.temperature = 0; $0.presencePenalty = 1
            })
        #expect(presence.sample(Self.logits, history: [1, 5, 5, 5]) == 2)
        var windowed = Sampler(
            parameters {
                $0.temperature = 0; $0.presencePenalty = 1; $0.penaltyWindow = 1
            })
        #expect(windowed.sample(Self.logits, history: [1, 5]) == 1)  // only the last token counts
    }
}

@Suite struct StopSequenceMatcherTests {
    private func run(_ chunks: [String], stops: [String]) -> (text: String, stopped: Bool) {
        var matcher = StopSequenceMatcher(stops)
        var text = ""
        for chunk in chunks {
            let outcome = matcher.feed(chunk)
            text += outcome.text
            if outcome.stopped { return (text, true) }
        }
        return (text + matcher.flush(), false)
    }

    @Test func stopsSplitAcrossChunksNeverReachTheOutput() {
        #expect(run(["Hello", " wor", "ld<", "|en", "d|>more"], stops: ["<|end|>"]) == ("Hello world", true))
        #expect(run(["a", "b", "\n", "\n", "c"], stops: ["\n\n"]) == ("ab", true))
    }

    @Test func aFalseStartIsReleased() {
        var matcher = StopSequenceMatcher(["STOP"])
        #expect(matcher.feed("go ST") == .init(text: "go ", stopped: false))
        #expect(matcher.feed("ART") == .init(text: "START", stopped: false))
        #expect(run(["no st", "op here"], stops: ["STOP"]) == ("no stop here", false))
    }

    @Test func theEarliestOfSeveralStopsWins() {
        #expect(run(["one. two! three"], stops: ["!", "."]) == ("one", true))
        #expect(run(["abc"], stops: ["", "x"]) == ("abc", false))
        #expect(run(["中文😀结束了"], stops: ["结束"]) == ("中文😀", true))
    }
}
