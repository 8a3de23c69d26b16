public import JSON

/// The OpenAI-compatible endpoint a request goes to on a miner.
public enum UpstreamEndpoint: Sendable, Hashable {
    /// `POST /v1/chat/completions`.
    case chatCompletions
    /// `POST /v1/completions`.
    case completions

    /// The path appended to a miner's base URL.
    public var path: String {
        switch self {
        case .chatCompletions: "/v1/chat/completions"
        case .completions: "/v1/completions"
        }
    }
}

/// One request for the miner pool.
public struct UpstreamRequest: Sendable, Hashable {
    /// Endpoint on the miner.
    public var endpoint: UpstreamEndpoint
    /// The OpenAI request body, already serialized as JSON (including its `"stream"` flag).
    public var body: [UInt8]
    /// Whether the body asks for a streamed (SSE) reply; sets the `Accept` header.
    public var stream: Bool
    /// The model the request needs; nil routes to any miner.
    public var model: String?
    /// The `max_tokens` the body asks for; it sizes what a miner may send back (see `ReplyBudget`).
    public var maxTokens: Int?
    /// The identity of the API key that asked (`Request.caller`), so the local model can share its queue fairly.
    public var caller: String?

    /// Creates a request.
    public init(
        endpoint: UpstreamEndpoint, body: [UInt8], stream: Bool, model: String?, maxTokens: Int? = nil,
        caller: String? = nil
    ) {
        self.endpoint = endpoint
        self.body = body
        self.stream = stream
        self.model = model
        self.maxTokens = maxTokens
        self.caller = caller
    }
}

/// Miner output normalized from SSE chunks or a JSON reply.
public enum UpstreamEvent: Sendable, Hashable {
    /// A delta of generated text (chat `delta.content`/`message.content` or completion `text`).
    case text(String)
    /// The miner's `finish_reason`.
    case finish(reason: String)
    /// Token counts reported by the miner.
    case usage(prompt: Int, completion: Int)
    /// Anything of a choice beyond choice 0's plain text: tool calls, a refusal, logprobs, another choice's text.
    case piece(ChoicePiece)
    /// The `usage` members beyond the three counts (`prompt_tokens_details`, `completion_tokens_details`, ...).
    case usageDetails(JSONObject)
    /// The miner's `system_fingerprint`.
    case fingerprint(String)
}

/// A started reply: the miner that produced its first event and the events, first one included.
public struct UpstreamReply: Sendable {
    /// Id of the miner streaming the reply.
    public let minerID: String
    /// Events as they arrive; ends with an `UpstreamError` on a mid-stream failure or deadline.
    public let events: UpstreamEventStream
    /// The model the miner serves (its first configured or discovered one), named in answers to requests that
    /// named none; nil when unknown.
    public let minerModel: String?

    /// Creates a reply.
    public init(minerID: String, events: UpstreamEventStream, minerModel: String? = nil) {
        self.minerID = minerID
        self.events = events
        self.minerModel = minerModel
    }
}
