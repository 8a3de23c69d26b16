import Glibc

/// A generated token's log-probability under the model (the softmax of its logits, before sampling filters) and
/// the most likely tokens at that step, as OpenAI's `logprobs` reports them.
public struct TokenLogprobs: Sendable, Equatable {
    public var logprob: Float
    /// The likeliest tokens, most likely first.
    public var top: [Alternative]

    /// One alternative token and its log-probability.
    public struct Alternative: Sendable, Equatable {
        public var id: TokenID
        public var logprob: Float
    }

    /// The log-probabilities of `token` and of the `top` likeliest tokens for `logits`.
    public init(of token: TokenID, in logits: [Float], top count: Int) {
        let maximum = logits.max() ?? 0
        var sum: Float = 0
        for logit in logits { sum += expf(logit - maximum) }
        let normalizer = maximum + logf(sum)
        logprob = Int(token) < logits.count && token >= 0 ? logits[Int(token)] - normalizer : -.infinity
        top = Self.largest(logits, count: count).map { Alternative(id: $0, logprob: logits[Int($0)] - normalizer) }
    }

    /// The ids of the `count` largest logits, largest first (the lower id first among equals).
    static func largest(_ logits: [Float], count: Int) -> [TokenID] {
        guard count > 0 else { return [] }
        var best: [TokenID] = []
        for index in logits.indices {
            if best.count == count, let last = best.last, logits[index] <= logits[Int(last)] { continue }
            let position = best.firstIndex { logits[index] > logits[Int($0)] } ?? best.count
            best.insert(TokenID(index), at: position)
            if best.count > count { best.removeLast() }
        }
        return best
    }
}
