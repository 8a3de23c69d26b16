import JSON

extension CompletionRequest {
    /// Longest deadline a caller may ask for, in seconds (the official clients use up to 900).
    static let maxTimeoutSeconds = 3600

    /// Parses a Cortensor `POST /api/v1/completions[/{sid}]` body; `pathSession` wins over `session_id`.
    ///
    /// Every documented field is accepted; unknown fields are ignored. `prompt_type` 2 sends
    /// `prompt_template` as the system message and `prompt` as the user message.
    public static func cortensor(body: [UInt8], pathSession: Int?) throws(APIError) -> CompletionRequest {
        let fields = try FieldReader(body: body)
        guard let prompt = try fields.string("prompt") else { throw APIError.invalidField("prompt", "is required") }
        let promptType = try fields.int("prompt_type", in: 0...2) ?? 1
        let template = try fields.string("prompt_template") ?? ""
        var request: CompletionRequest
        if promptType == 2, !template.isEmpty {
            request = CompletionRequest(
                input: .messages([
                    ChatMessage(role: "system", content: template), ChatMessage(role: "user", content: prompt),
                ]))
        } else {
            request = CompletionRequest(input: .prompt(prompt))
        }
        let bodySession = try fields.int("session_id", in: SessionID.range)
        request.sessionID = pathSession ?? bodySession
        request.clientReference = try fields.string("client_reference")
        if let seconds = try fields.int("timeout", in: 1...maxTimeoutSeconds) { request.timeout = .seconds(seconds) }
        // On chain it is the task's first request parameter; local sessions have no precommit phase.
        request.precommitTimeout = try fields.int("precommit_timeout", in: 0...maxTimeoutSeconds)
        // Accepted for compatibility; there is no per-request miner cap.
        _ = try fields.int("max_miners", in: 0...1024)
        try request.readSampling(fields)
        return request
    }

    /// Parses an OpenAI `POST /v1/chat/completions` body.
    public static func openAIChat(body: [UInt8]) throws(APIError) -> CompletionRequest {
        let fields = try FieldReader(body: body)
        guard let rawMessages = try fields.array("messages"), !rawMessages.isEmpty else {
            throw APIError.invalidField("messages", "is required and must be a non-empty array")
        }
        var messages: [ChatMessage] = []
        for (index, raw) in rawMessages.enumerated() {
            messages.append(try chatMessage(raw, index: index))
        }
        var request = CompletionRequest(input: .messages(messages))
        try request.readOpenAICommon(fields)
        return request
    }

    /// Parses an OpenAI `POST /v1/completions` body (a single string prompt).
    public static func openAICompletion(body: [UInt8]) throws(APIError) -> CompletionRequest {
        let fields = try FieldReader(body: body)
        guard let value = fields.object["prompt"], !value.isNull else {
            throw APIError.invalidField("prompt", "is required")
        }
        let prompt: String
        if let single = value.stringValue {
            prompt = single
        } else if let many = value.arrayValue, many.count == 1, let single = many[0].stringValue {
            prompt = single
        } else {
            throw APIError.invalidField("prompt", "must be a string (batched prompts are not supported)")
        }
        var request = CompletionRequest(input: .prompt(prompt))
        try request.readOpenAICommon(fields)
        return request
    }

    private mutating func readOpenAICommon(_ fields: FieldReader) throws(APIError) {
        model = try fields.string("model")
        if let n = try fields.int("n"), n != 1 { throw APIError.invalidField("n", "must be 1") }
        if let options = try fields.object("stream_options") {
            includeUsage = try FieldReader(object: options).bool("include_usage") ?? false
        }
        if let token = try fields.int("max_completion_tokens", in: 1...1_000_000) { maxTokens = token }
        seed = try fields.int("seed")
        if let format = try fields.object("response_format") { responseFormat = .object(format) }
        try readSampling(fields)
    }

    private mutating func readSampling(_ fields: FieldReader) throws(APIError) {
        stream = try fields.bool("stream") ?? false
        useCache = try fields.bool("cache") ?? true
        if let tokens = try fields.int("max_tokens", in: 1...1_000_000) { maxTokens = tokens }
        temperature = try fields.double("temperature", in: 0...2)
        topP = try fields.double("top_p", in: 0...1)
        topK = try fields.int("top_k", in: 0...100_000)
        presencePenalty = try fields.double("presence_penalty", in: -2...2)
        frequencyPenalty = try fields.double("frequency_penalty", in: -2...2)
        stop = try fields.strings("stop", limit: 8)
    }

    private static func chatMessage(_ raw: JSONValue, index: Int) throws(APIError) -> ChatMessage {
        let field = "messages[\(index)]"
        guard let object = raw.objectValue else { throw APIError.invalidField(field, "must be an object") }
        guard let role = object["role"]?.stringValue else {
            throw APIError.invalidField(field + ".role", "is required and must be a string")
        }
        guard let content = object["content"] else { return ChatMessage(role: role, content: "") }
        if let text = content.stringValue { return ChatMessage(role: role, content: text) }
        if content.isNull { return ChatMessage(role: role, content: "") }
        guard let parts = content.arrayValue else {
            throw APIError.invalidField(field + ".content", "must be a string or an array of content parts")
        }
        var text = ""
        for part in parts {
            guard let partText = part["text"]?.stringValue else {
                throw APIError.invalidField(field + ".content", "only text content parts are supported")
            }
            text += partText
        }
        return ChatMessage(role: role, content: text)
    }
}
