public import JSON

/// One streamed piece of a choice that is more than choice 0's plain text: a delta with tool calls, a legacy
/// `function_call`, a refusal, logprobs, or any part of choice 1, 2, ... (`n` > 1). Relayed as the miner sent it,
/// index by index, and folded into the whole answer by `ChoiceAccumulator`.
public struct ChoicePiece: Sendable, Hashable {
    /// The choice's `index`.
    public var index: Int
    /// The delta's checked members: chat `content`, `refusal`, `tool_calls` (each with its `index`),
    /// `function_call`; text completions' `text`.
    public var delta: JSONObject
    /// The choice's `logprobs` object, when the miner sent one.
    public var logprobs: JSONValue?
    /// The choice's `finish_reason` (choice 0's arrives as `UpstreamEvent.finish` instead).
    public var finishReason: String?
    /// Bytes of the payload this piece came from, charged against the reply budget.
    public var weight: Int

    /// Creates a piece.
    public init(index: Int, delta: JSONObject, logprobs: JSONValue? = nil, finishReason: String? = nil, weight: Int) {
        self.index = index
        self.delta = delta
        self.logprobs = logprobs
        self.finishReason = finishReason
        self.weight = weight
    }
}
