import JSON

extension CompletionRequest {
    /// Longest deadline a caller may ask for, in seconds (the official clients use up to 900).
    static let maxTimeoutSeconds = 3600

    /// Parses a Cortensor `POST /api/v1/completions[/{sid}]` body; `pathSession` wins over `session_id`.
    ///
    /// Every documented field is accepted; unknown fields are ignored. `prompt_type` 1 (the default) sends
    /// `prompt` raw; 0 (the default template) as a chat's user message, so the miner applies its model's chat
    /// template; 2 sends `prompt_template` as the system message and `prompt` as the user message.
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
        } else if promptType == 0 {
            request = CompletionRequest(input: .messages([ChatMessage(role: "user", content: prompt)]))
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
        var request = CompletionRequest(input: .messages(try OpenAIMessages.parse(rawMessages)))
        try request.readOpenAICommon(fields)
        request.forwarded = try OpenAIRequestFields.forwarded(fields.object, endpoint: .chat)
        return request
    }

    /// Parses an OpenAI `POST /v1/completions` body with one prompt (see `openAICompletions` for batches).
    public static func openAICompletion(body: [UInt8]) throws(APIError) -> CompletionRequest {
        let requests = try openAICompletions(body: body)
        guard requests.count == 1 else { throw APIError.invalidField("prompt", "must hold one prompt here") }
        return requests[0]
    }

    /// Most prompts one `/v1/completions` request may batch.
    public static let maxBatchedPrompts = 32

    /// Parses an OpenAI `POST /v1/completions` body into one request per prompt, in order: `prompt` is a string, a
    /// token array, or an array of either (a batch). `echo`, `suffix` and `best_of` other than 1 are refused rather
    /// than ignored: the miners' streaming API cannot honour them.
    public static func openAICompletions(body: [UInt8]) throws(APIError) -> [CompletionRequest] {
        let fields = try FieldReader(body: body)
        guard let value = fields.object["prompt"], !value.isNull else {
            throw APIError.invalidField("prompt", "is required")
        }
        if try fields.bool("echo") == true { throw APIError.invalidField("echo", "is not supported (send false)") }
        if let suffix = try fields.string("suffix"), !suffix.isEmpty {
            throw APIError.invalidField("suffix", "is not supported (insertion needs a model trained for it)")
        }
        if let bestOf = try fields.int("best_of"), bestOf != 1 { throw APIError.invalidField("best_of", "must be 1") }
        let inputs = try promptInputs(value)
        var template = CompletionRequest(input: inputs[0])
        try template.readOpenAICommon(fields)
        template.forwarded = try OpenAIRequestFields.forwarded(fields.object, endpoint: .completion)
        return inputs.map { input in
            var request = template
            request.input = input
            return request
        }
    }

    /// The prompts of a `prompt` value: a string, a token array, or a non-empty array of strings or token arrays.
    private static func promptInputs(_ value: JSONValue) throws(APIError) -> [Input] {
        if let text = value.stringValue { return [.prompt(text)] }
        guard let items = value.arrayValue, !items.isEmpty else {
            throw APIError.invalidField("prompt", "must be a string, a token array, or a non-empty array of them")
        }
        if items.allSatisfy({ $0.intValue != nil }) { return [try tokenInput(items)] }
        guard items.count <= maxBatchedPrompts else {
            throw APIError.invalidField("prompt", "batches at most \(maxBatchedPrompts) prompts")
        }
        var inputs: [Input] = []
        for item in items {
            if let text = item.stringValue {
                inputs.append(.prompt(text))
            } else if let tokens = item.arrayValue, !tokens.isEmpty, tokens.allSatisfy({ $0.intValue != nil }) {
                inputs.append(try tokenInput(tokens))
            } else {
                throw APIError.invalidField("prompt", "items must be strings or non-empty token arrays")
            }
        }
        return inputs
    }

    /// A token-array prompt: token ids from 0 to 2^31 - 1.
    private static func tokenInput(_ items: [JSONValue]) throws(APIError) -> Input {
        var tokens: [Int] = []
        for item in items {
            guard let id = item.intValue, (0...Int64(Int32.max)).contains(id) else {
                throw APIError.invalidField("prompt", "token ids must be integers from 0 to \(Int32.max)")
            }
            tokens.append(Int(id))
        }
        return .tokens(tokens)
    }

    private mutating func readOpenAICommon(_ fields: FieldReader) throws(APIError) {
        guard let model = try fields.string("model"), !model.isEmpty else {
            throw APIError.invalidField("model", "is required")
        }
        self.model = model
        if let options = try fields.object("stream_options") {
            includeUsage = try FieldReader(object: options).bool("include_usage") ?? false
        }
        seed = try fields.int("seed")
        try readSampling(fields)
        if let tokens = try fields.int("max_completion_tokens", in: 1...1_000_000) { maxTokens = tokens }
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
}
