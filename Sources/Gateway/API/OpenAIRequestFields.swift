import JSON

/// The one rule for the top-level fields of OpenAI chat and text completion requests (docs/api.md has the table):
/// a field the router parses itself is read by `CompletionRequest`; a field the miner honours is checked here and
/// forwarded as sent; a field nobody can honour is a 400 naming it (`unsupported_field`); a field that is not in
/// the OpenAI API at all (llama.cpp's or vLLM's extensions such as `repeat_penalty` or `grammar`) is forwarded
/// unchanged. Forwarded fields count in the completion cache key.
enum OpenAIRequestFields {
    /// Which request shape a field belongs to.
    enum Endpoint: Sendable {
        case chat
        case completion
    }

    /// Checks a forwarded field's value; throws the 400 naming it.
    typealias Check = @Sendable (_ value: JSONValue, _ field: String) throws(APIError) -> Void

    /// What happens to one field.
    enum Rule: Sendable {
        /// `CompletionRequest` reads it (model, messages, sampling, stream, ...).
        case parsed
        /// Checked, then forwarded as sent.
        case forwarded(Check)
        /// Always a 400: nothing behind the router can honour it.
        case refused(String)
    }

    /// Most choices (`n`, `best_of`) one request may ask for: what `UpstreamDecoder.maxChoices` relays.
    static let maxChoices = 16
    /// Most tools (or legacy functions) in one request.
    static let maxTools = 128
    /// Most `logit_bias` entries.
    static let maxLogitBias = 1024
    /// Longest key of an unknown field forwarded.
    static let maxUnknownKeyBytes = 64

    /// Fields both endpoints share.
    static let commonRules: [String: Rule] = [
        "model": .parsed, "stream": .parsed, "stream_options": .parsed, "max_tokens": .parsed,
        "temperature": .parsed, "top_p": .parsed, "top_k": .parsed, "presence_penalty": .parsed,
        "frequency_penalty": .parsed, "seed": .parsed, "stop": .parsed, "cache": .parsed,
        "max_completion_tokens": .parsed,
        "n": .forwarded(integer(1...maxChoices)), "user": .forwarded(string),
        "logit_bias": .forwarded(logitBias), "min_p": .forwarded(number(0...1)),
        "metadata": .forwarded(object), "service_tier": .forwarded(string),
        "store": .forwarded(refusedIfTrue("stored completions are not kept (the router keeps task records)")),
        "safety_identifier": .forwarded(string), "prompt_cache_key": .forwarded(string),
    ]

    /// Chat completion fields.
    static let chatRules: [String: Rule] = commonRules.merging(
        [
            "messages": .parsed,
            "prompt": .refused("a chat completion takes messages; prompt belongs to /v1/completions"),
            "tools": .forwarded(tools), "tool_choice": .forwarded(toolChoice),
            "parallel_tool_calls": .forwarded(boolean), "response_format": .forwarded(responseFormat),
            "logprobs": .forwarded(boolean), "top_logprobs": .forwarded(integer(0...20)),
            "functions": .forwarded(functions), "function_call": .forwarded(functionCall),
            "reasoning_effort": .forwarded(string), "verbosity": .forwarded(string),
            "prediction": .forwarded(object), "modalities": .forwarded(textModalityOnly),
            "audio": .refused("audio output is not relayed"),
            "web_search_options": .refused("web search is not available behind this router"),
        ], uniquingKeysWith: { _, chat in chat })

    /// Text completion fields.
    static let completionRules: [String: Rule] = commonRules.merging(
        [
            "prompt": .parsed,
            "messages": .refused("a text completion takes a prompt; messages belong to /v1/chat/completions"),
            "logprobs": .forwarded(integer(0...5)), "echo": .forwarded(boolean),
            "suffix": .forwarded(string), "best_of": .forwarded(integer(1...maxChoices)),
        ], uniquingKeysWith: { _, completion in completion })

    /// The fields of `object` to forward to the miner, checked, in key order; throws on a bad or refused field.
    static func forwarded(_ object: JSONObject, endpoint: Endpoint) throws(APIError) -> JSONObject {
        let rules = endpoint == .chat ? chatRules : completionRules
        var forwarded = JSONObject()
        for key in object.keys.sorted() {
            guard let value = object[key], !value.isNull else { continue }
            switch rules[key] {
            case .parsed: continue
            case .forwarded(let check): try check(value, key)
            case .refused(let reason): throw unsupported(key, reason)
            case nil:
                guard key.utf8.count <= maxUnknownKeyBytes, printable(key) == key else {
                    throw APIError.invalidField(printable(key), "is not known")
                }
            }
            forwarded[key] = value
        }
        if let bestOf = forwarded["best_of"]?.intValue, bestOf < forwarded["n"]?.intValue ?? 1 {
            throw APIError.invalidField("best_of", "must be at least n")
        }
        return forwarded
    }

    /// 400 for a field the router cannot honour.
    static func unsupported(_ field: String, _ reason: String) -> APIError {
        let name = printable(field)
        return APIError(
            status: 400, code: "unsupported_field", message: "field '\(name)' is not supported: \(reason)",
            field: name)
    }

    /// A client's field name as an error may quote it: control characters become `?` (messages are one line).
    static func printable(_ name: String) -> String {
        guard name.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else { return name }
        return String(
            String.UnicodeScalarView(name.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? "?" : $0 }))
    }

    // MARK: checks

    static let boolean: Check = { value, field throws(APIError) in
        guard value.boolValue != nil else { throw APIError.invalidField(field, "must be a boolean") }
    }

    static let string: Check = { value, field throws(APIError) in
        guard value.stringValue != nil else { throw APIError.invalidField(field, "must be a string") }
    }

    static let object: Check = { value, field throws(APIError) in
        guard value.objectValue != nil else { throw APIError.invalidField(field, "must be an object") }
    }

    static func integer(_ range: ClosedRange<Int>) -> Check {
        { value, field throws(APIError) in _ = try FieldReader(object: [field: value]).int(field, in: range) }
    }

    static func number(_ range: ClosedRange<Double>) -> Check {
        { value, field throws(APIError) in _ = try FieldReader(object: [field: value]).double(field, in: range) }
    }

    static func refusedIfTrue(_ reason: String) -> Check {
        { value, field throws(APIError) in
            try boolean(value, field)
            if value.boolValue == true { throw unsupported(field, reason) }
        }
    }

    static let textModalityOnly: Check = { value, field throws(APIError) in
        guard let items = value.arrayValue, items.allSatisfy({ $0.stringValue != nil }) else {
            throw APIError.invalidField(field, "must be an array of strings")
        }
        if items.contains(where: { $0.stringValue != "text" }) { throw unsupported(field, "only text output") }
    }

    static let logitBias: Check = { value, field throws(APIError) in
        guard let bias = value.objectValue, bias.count <= maxLogitBias else {
            throw APIError.invalidField(field, "must be an object of at most \(maxLogitBias) token ids")
        }
        for (token, weight) in bias {
            guard UInt32(token) != nil, let number = weight.doubleValue, (-100...100).contains(number) else {
                throw APIError.invalidField(field, "maps token ids to numbers between -100 and 100")
            }
        }
    }

    static let tools: Check = { value, field throws(APIError) in
        guard let items = value.arrayValue, items.count <= maxTools else {
            throw APIError.invalidField(field, "must be an array of at most \(maxTools) tools")
        }
        for (index, tool) in items.enumerated() {
            let name = "\(field)[\(index)]"
            guard let type = tool["type"]?.stringValue else {
                throw APIError.invalidField(name + ".type", "is required and must be a string")
            }
            if type == "function" {
                guard let function = tool["function"], function.objectValue != nil else {
                    throw APIError.invalidField(name + ".function", "is required and must be an object")
                }
                try functionDefinition(function, name + ".function")
            }
        }
    }

    static let functions: Check = { value, field throws(APIError) in
        guard let items = value.arrayValue, items.count <= maxTools else {
            throw APIError.invalidField(field, "must be an array of at most \(maxTools) functions")
        }
        for (index, function) in items.enumerated() { try functionDefinition(function, "\(field)[\(index)]") }
    }

    /// A function definition: `{name, description?, parameters?, strict?}`.
    static func functionDefinition(_ value: JSONValue, _ field: String) throws(APIError) {
        guard let function = value.objectValue else { throw APIError.invalidField(field, "must be an object") }
        try namedDefinition(function, field, schemaKey: "parameters")
    }

    /// A named definition (a function, or a response format's JSON schema): OpenAI's name rule (1–64 of
    /// `a-zA-Z0-9_-`), an optional string `description`, object `schemaKey` and boolean `strict`.
    static func namedDefinition(_ object: JSONObject, _ field: String, schemaKey: String) throws(APIError) {
        guard let name = object["name"]?.stringValue, isFunctionName(name) else {
            throw APIError.invalidField(field + ".name", "must be 1 to 64 letters, digits, '_' or '-'")
        }
        let reader = FieldReader(object: object)
        _ = try reader.string("description")
        _ = try reader.object(schemaKey)
        _ = try reader.bool("strict")
    }

    static func isFunctionName(_ name: String) -> Bool {
        (1...64).contains(name.utf8.count)
            && name.utf8.allSatisfy { byte in
                (byte >= 0x30 && byte <= 0x39) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A) || byte == 0x5F
                    || byte == 0x2D
            }
    }

    static let toolChoice: Check = { value, field throws(APIError) in
        if let mode = value.stringValue {
            guard ["none", "auto", "required"].contains(mode) else {
                throw APIError.invalidField(field, "must be \"none\", \"auto\", \"required\" or an object")
            }
            return
        }
        guard value["type"]?.stringValue != nil else {
            throw APIError.invalidField(field, "must be \"none\", \"auto\", \"required\" or an object with a type")
        }
        if value["type"]?.stringValue == "function", value["function"]?["name"]?.stringValue == nil {
            throw APIError.invalidField(field + ".function.name", "is required")
        }
    }

    static let functionCall: Check = { value, field throws(APIError) in
        if let mode = value.stringValue, mode == "none" || mode == "auto" { return }
        guard value["name"]?.stringValue != nil else {
            throw APIError.invalidField(field, "must be \"none\", \"auto\" or {\"name\": ...}")
        }
    }

    static let responseFormat: Check = { value, field throws(APIError) in
        guard let type = value["type"]?.stringValue else {
            throw APIError.invalidField(field + ".type", "is required and must be a string")
        }
        switch type {
        case "text", "json_object": return
        case "json_schema":
            guard let schema = value["json_schema"]?.objectValue else {
                throw APIError.invalidField(field + ".json_schema", "is required and must be an object")
            }
            try namedDefinition(schema, field + ".json_schema", schemaKey: "schema")
        default:
            throw APIError.invalidField(field + ".type", "must be \"text\", \"json_object\" or \"json_schema\"")
        }
    }
}
