import Glibc

/// How the next token is picked from the model's logits. The defaults are llama.cpp's.
public struct SamplingParameters: Sendable, Equatable {
    /// 0 picks the most likely token every time (greedy); higher flattens the distribution.
    public var temperature: Float = 0.8
    /// Keep only the `topK` most likely tokens; 0 keeps all.
    public var topK: Int = 40
    /// Keep the most likely tokens whose probabilities add up to `topP`; 1 keeps all.
    public var topP: Float = 0.95
    /// Drop tokens less likely than `minP` times the most likely one; 0 keeps all.
    public var minP: Float = 0.05
    /// Divides positive (multiplies negative) logits of tokens seen in the last `penaltyWindow` tokens; 1 = off.
    public var repetitionPenalty: Float = 1.0
    /// Subtracted once from the logit of every token seen in the window.
    public var presencePenalty: Float = 0
    /// Subtracted from a token's logit once per time it was seen in the window.
    public var frequencyPenalty: Float = 0
    /// How many of the latest tokens the penalties look at.
    public var penaltyWindow: Int = 64
    /// The same seed and the same input give the same tokens; `nil` seeds from the system's generator.
    public var seed: UInt64?

    public init() {}

    /// Greedy decoding: always the most likely token (after penalties).
    public static var greedy: SamplingParameters {
        var parameters = SamplingParameters()
        parameters.temperature = 0
        return parameters
    }
}

/// Picks tokens from logits: penalties, then top-k, top-p and min-p on the probabilities, then temperature,
/// then a draw from the seeded generator (llama.cpp's default sampler chain, in its order).
public struct Sampler: Sendable {
    public let parameters: SamplingParameters
    private var generator: Xoshiro256

    public init(_ parameters: SamplingParameters) {
        self.parameters = parameters
        var system = SystemRandomNumberGenerator()
        generator = Xoshiro256(seed: parameters.seed ?? system.next())
    }

    /// The next token for `logits` (one per vocabulary entry), given the tokens so far (prompt and output).
    public mutating func sample(_ logits: [Float], history: some Collection<TokenID> = [TokenID]()) -> TokenID {
        precondition(!logits.isEmpty, "no logits to sample from")
        var logits = logits
        applyPenalties(to: &logits, history: history)
        if parameters.temperature <= 0 { return Self.argmax(logits) }
        var candidates = topK(logits)
        candidates = nucleus(candidates)
        return draw(from: candidates)
    }

    private func applyPenalties(to logits: inout [Float], history: some Collection<TokenID>) {
        let p = parameters
        guard p.penaltyWindow > 0, p.repetitionPenalty != 1 || p.presencePenalty != 0 || p.frequencyPenalty != 0
        else { return }
        var counts: [TokenID: Int] = [:]
        for token in history.suffix(p.penaltyWindow) where token >= 0 && Int(token) < logits.count {
            counts[token, default: 0] += 1
        }
        for (token, count) in counts {
            var logit = logits[Int(token)]
            logit = logit > 0 ? logit / p.repetitionPenalty : logit * p.repetitionPenalty
            logit -= Float(count) * p.frequencyPenalty + p.presencePenalty
            logits[Int(token)] = logit
        }
    }

    /// The `topK` highest logits (all when 0), highest first; ties keep the lower id first.
    private func topK(_ logits: [Float]) -> [(token: TokenID, logit: Float)] {
        guard parameters.topK > 0 && parameters.topK < logits.count else {
            return logits.enumerated().map { (token: TokenID($0.offset), logit: $0.element) }
                .sorted { $0.logit > $1.logit || ($0.logit == $1.logit && $0.token < $1.token) }
        }
        let k = parameters.topK
        var best: [(token: TokenID, logit: Float)] = []
        best.reserveCapacity(k + 1)
        for (index, logit) in logits.enumerated() {
            // `best` stays sorted; most logits fall below its last entry and cost one comparison.
            if best.count == k, let last = best.last, logit <= last.logit { continue }
            let position = best.firstIndex { logit > $0.logit } ?? best.count
            best.insert((token: TokenID(index), logit: logit), at: position)
            if best.count > k { best.removeLast() }
        }
        return best
    }

    /// Top-p then min-p on the softmax of the (untempered) logits; always keeps the most likely token.
    private func nucleus(_ candidates: [(token: TokenID, logit: Float)]) -> [(token: TokenID, logit: Float)] {
        let probabilities = Self.softmax(candidates.map(\.logit))
        var keep = candidates.count
        if parameters.topP < 1 {
            var cumulative: Float = 0
            for (index, probability) in probabilities.enumerated() {
                cumulative += probability
                if cumulative >= parameters.topP {
                    keep = index + 1
                    break
                }
            }
        }
        if parameters.minP > 0, let top = probabilities.first {
            let floor = parameters.minP * top
            keep = min(keep, max(1, probabilities.prefix(while: { $0 >= floor }).count))
        }
        return Array(candidates.prefix(keep))
    }

    /// A draw from the softmax of the candidates' logits divided by the temperature.
    private mutating func draw(from candidates: [(token: TokenID, logit: Float)]) -> TokenID {
        let probabilities = Self.softmax(candidates.map { $0.logit / parameters.temperature })
        let target = Float(Double(generator.next() >> 11) * 0x1p-53)
        var cumulative: Float = 0
        for (candidate, probability) in zip(candidates, probabilities) {
            cumulative += probability
            if target < cumulative { return candidate.token }
        }
        return candidates[candidates.count - 1].token
    }

    static func softmax(_ logits: [Float]) -> [Float] {
        guard let maximum = logits.max() else { return [] }
        let exponentials = logits.map { expf($0 - maximum) }
        let sum = exponentials.reduce(0, +)
        return exponentials.map { $0 / sum }
    }

    /// The index of the highest logit (the lowest index among equals): greedy decoding.
    public static func argmax(_ logits: [Float]) -> TokenID {
        var best = 0
        for index in logits.indices where logits[index] > logits[best] { best = index }
        return TokenID(best)
    }
}

/// xoshiro256**: a small, fast generator whose sequence is fixed by its seed (the standard library's is not
/// seedable).
struct Xoshiro256: RandomNumberGenerator, Sendable {
    private var state: (UInt64, UInt64, UInt64, UInt64)

    init(seed: UInt64) {
        // SplitMix64 spreads the seed over the four words, as the algorithm's authors recommend.
        var mix = seed
        func next() -> UInt64 {
            mix &+= 0x9E37_79B9_7F4A_7C15
            var z = mix
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        state = (next(), next(), next(), next())
    }

    mutating func next() -> UInt64 {
        let result = (state.1 &* 5).rotatedLeft(by: 7) &* 9
        let shifted = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= shifted
        state.3 = state.3.rotatedLeft(by: 45)
        return result
    }
}

extension UInt64 {
    fileprivate func rotatedLeft(by count: UInt64) -> UInt64 { (self << count) | (self >> (64 - count)) }
}
