public import JSON

/// One chat message, as OpenAI's `messages` carry them.
public struct ChatMessage: Sendable, Equatable {
    /// `system`, `user`, `assistant` or `tool`.
    public var role: String
    /// The text content (array-of-parts content is flattened to its text parts).
    public var content: String

    /// Creates a message.
    public init(role: String, content: String) {
        self.role = role
        self.content = content
    }
}

/// A completion request in API-neutral form: what the miner is asked, whichever API the caller used.
public struct CompletionRequest: Sendable, Equatable {
    /// Either a raw prompt or chat messages.
    public enum Input: Sendable, Equatable {
        /// A raw text prompt (`/v1/completions`, Cortensor API).
        case prompt(String)
        /// Chat messages (`/v1/chat/completions`, Cortensor `prompt_type` 2).
        case messages([ChatMessage])
    }

    /// What to complete.
    public var input: Input
    /// Model asked for; `nil` lets the session or the miner decide.
    public var model: String?
    /// Whether the caller wants server-sent events.
    public var stream = false
    /// Whether a final usage chunk is wanted (`stream_options.include_usage`).
    public var includeUsage = false
    /// Sampling and length options, forwarded to the miner when set.
    public var maxTokens: Int?
    /// Sampling temperature.
    public var temperature: Double?
    /// Nucleus sampling mass.
    public var topP: Double?
    /// Top-k sampling.
    public var topK: Int?
    /// Presence penalty.
    public var presencePenalty: Double?
    /// Frequency penalty.
    public var frequencyPenalty: Double?
    /// Sampling seed.
    public var seed: Int?
    /// Stop sequences.
    public var stop: [String] = []
    /// The caller's deadline for the whole request, if it gave one.
    public var timeout: Duration?
    /// Cortensor session the request targets.
    public var sessionID: Int?
    /// Caller's own reference, recorded with the task.
    public var clientReference: String?
    /// Seconds miners get to precommit (Cortensor `precommit_timeout`; sent with on-chain tasks).
    public var precommitTimeout: Int?
    /// Whether the completion cache may answer or keep this request (`"cache": false` turns it off).
    public var useCache = true
    /// OpenAI's `response_format` object, forwarded as sent (the local model honours it by constrained decoding).
    public var responseFormat: JSONValue?

    /// Creates a request for `input` with every option unset.
    public init(input: Input) {
        self.input = input
    }

    /// The text that identifies the prompt (hashed for task records, never logged).
    public var promptText: String {
        switch input {
        case .prompt(let prompt): return prompt
        case .messages(let messages): return messages.map { "\($0.role): \($0.content)" }.joined(separator: "\n")
        }
    }

    /// The OpenAI-style body sent to a miner, with `stream` always set so the pool can relay tokens.
    public func upstreamBody(model resolvedModel: String?) -> JSONValue {
        var body = JSONObject()
        if let resolvedModel, !resolvedModel.isEmpty { body["model"] = .string(resolvedModel) }
        switch input {
        case .prompt(let prompt):
            body["prompt"] = .string(prompt)
        case .messages(let messages):
            body["messages"] = .array(
                messages.map { ["role": .string($0.role), "content": .string($0.content)] })
        }
        body["stream"] = .bool(true)
        body["stream_options"] = ["include_usage": true]
        if let maxTokens { body["max_tokens"] = .int(Int64(maxTokens)) }
        if let temperature { body["temperature"] = .double(temperature) }
        if let topP { body["top_p"] = .double(topP) }
        if let topK { body["top_k"] = .int(Int64(topK)) }
        if let presencePenalty { body["presence_penalty"] = .double(presencePenalty) }
        if let frequencyPenalty { body["frequency_penalty"] = .double(frequencyPenalty) }
        if let seed { body["seed"] = .int(Int64(seed)) }
        if !stop.isEmpty { body["stop"] = .array(stop.map(JSONValue.string)) }
        if let responseFormat { body["response_format"] = responseFormat }
        return .object(body)
    }
}
