import JSON

/// Checks OpenAI chat `messages`: every role (`system`, `developer`, `user`, `assistant` with `tool_calls` or a
/// legacy `function_call`, `tool` with `tool_call_id`, legacy `function`), content as a string or an array of
/// parts. The checked message goes to the miner as sent (parts stay parts); its text, parts joined by newlines,
/// is what task records hash and on-chain prompts carry. Members the API does not define are forwarded, as
/// top-level fields are (`OpenAIRequestFields`).
enum OpenAIMessages {
    static let roles: Set<String> = ["system", "developer", "user", "assistant", "tool", "function"]
    /// Content part types: their payload member must be present (text and refusal as strings).
    static let partTypes: [String: String] = [
        "text": "text", "refusal": "refusal", "image_url": "image_url", "input_audio": "input_audio", "file": "file",
    ]

    /// The checked messages of a request's `messages` array.
    static func parse(_ raw: [JSONValue]) throws(APIError) -> [ChatMessage] {
        var messages: [ChatMessage] = []
        messages.reserveCapacity(raw.count)
        for (index, item) in raw.enumerated() { messages.append(try message(item, field: "messages[\(index)]")) }
        return messages
    }

    private static func message(_ raw: JSONValue, field: String) throws(APIError) -> ChatMessage {
        guard let object = raw.objectValue else { throw APIError.invalidField(field, "must be an object") }
        guard let role = object["role"]?.stringValue else {
            throw APIError.invalidField(field + ".role", "is required and must be a string")
        }
        guard roles.contains(role) else {
            throw APIError.invalidField(
                field + ".role", "must be one of system, developer, user, assistant, tool, function")
        }
        let reader = FieldReader(object: object)
        _ = try reader.string("name")
        let calls = try toolCalls(object["tool_calls"], field: field + ".tool_calls", role: role)
        if let call = object["function_call"], !call.isNull {
            try functionCall(call, field: field + ".function_call")
        }
        if role == "tool", try reader.string("tool_call_id") == nil {
            throw APIError.invalidField(field + ".tool_call_id", "is required for a tool message")
        }
        if role == "function", try reader.string("name") == nil {
            throw APIError.invalidField(field + ".name", "is required for a function message")
        }
        _ = try reader.string("refusal")
        let text = try content(object["content"], field: field + ".content")
        if text == nil, role != "assistant" {
            throw APIError.invalidField(field + ".content", "is required for a \(role) message")
        }
        if text == nil, calls == 0, object["function_call"]?.isNull ?? true, object["refusal"]?.isNull ?? true {
            throw APIError.invalidField(field + ".content", "is required unless the message has tool calls")
        }
        return ChatMessage(role: role, content: text ?? "", wire: object)
    }

    /// The text of `content` (nil when absent or null): a string, or its text and refusal parts joined by newlines.
    private static func content(_ value: JSONValue?, field: String) throws(APIError) -> String? {
        guard let value, !value.isNull else { return nil }
        if let text = value.stringValue { return text }
        guard let parts = value.arrayValue else {
            throw APIError.invalidField(field, "must be a string or an array of content parts")
        }
        var texts: [String] = []
        for (index, part) in parts.enumerated() {
            let name = "\(field)[\(index)]"
            guard let type = part["type"]?.stringValue, let member = partTypes[type] else {
                throw APIError.invalidField(
                    name + ".type", "must be one of \(partTypes.keys.sorted().joined(separator: ", "))")
            }
            guard let payload = part[member], !payload.isNull else {
                throw APIError.invalidField(name + "." + member, "is required for a \(type) part")
            }
            if member == "text" || member == "refusal" {
                guard let text = payload.stringValue else {
                    throw APIError.invalidField(name + "." + member, "must be a string")
                }
                texts.append(text)
            } else if payload.objectValue == nil {
                throw APIError.invalidField(name + "." + member, "must be an object")
            }
        }
        return texts.joined(separator: "\n")
    }

    /// Checks an assistant's `tool_calls`; returns how many there are.
    private static func toolCalls(_ value: JSONValue?, field: String, role: String) throws(APIError) -> Int {
        guard let value, !value.isNull else { return 0 }
        guard role == "assistant" else { throw APIError.invalidField(field, "belongs to assistant messages only") }
        guard let calls = value.arrayValue, calls.count <= OpenAIRequestFields.maxTools else {
            throw APIError.invalidField(field, "must be an array of at most \(OpenAIRequestFields.maxTools) calls")
        }
        for (index, call) in calls.enumerated() {
            let name = "\(field)[\(index)]"
            guard call["id"]?.stringValue != nil, call["type"]?.stringValue != nil else {
                throw APIError.invalidField(name, "needs a string id and type")
            }
            if let function = call["function"] { try functionCall(function, field: name + ".function") }
        }
        return calls.count
    }

    /// `{name, arguments}`, both strings (the arguments are JSON text).
    private static func functionCall(_ value: JSONValue, field: String) throws(APIError) {
        guard value["name"]?.stringValue != nil, value["arguments"]?.stringValue != nil else {
            throw APIError.invalidField(field, "needs string name and arguments")
        }
    }
}
