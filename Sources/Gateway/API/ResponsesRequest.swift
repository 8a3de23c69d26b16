import JSON

/// `POST /v1/responses` (OpenAI's Responses API) as a chat completion for miners: `instructions` becomes a
/// system message, `input` (a string or items: messages, `function_call`, `function_call_output`) becomes
/// `messages`, function tools become chat tools, `text.format` becomes `response_format`, `max_output_tokens`
/// becomes `max_tokens`. The chat request is then checked as any chat request is; what the Responses API has
/// and chat completions lack (stored responses, `previous_response_id`, built-in tools, background runs) is a
/// 400 naming the field. `ResponsesRenderer` turns the answer back into a response object or its stream events.
enum ResponsesRequest {
    /// Fields echoed into the response object as the caller sent them.
    static let echoedFields = [
        "instructions", "max_output_tokens", "metadata", "parallel_tool_calls", "temperature", "text", "tool_choice",
        "tools", "top_p", "user",
    ]

    /// The chat request a Responses API body asks for, and the fields to echo into the response object.
    static func parse(body: [UInt8]) throws(APIError) -> (request: CompletionRequest, echo: JSONObject) {
        let fields = try FieldReader(body: body)
        var chat = JSONObject()
        var echo = JSONObject()
        for key in echoedFields { if let value = fields.object[key], !value.isNull { echo[key] = value } }
        for (key, value) in fields.object where !value.isNull {
            switch key {
            case "model", "stream", "temperature", "top_p", "user", "metadata", "parallel_tool_calls", "cache",
                "top_logprobs", "safety_identifier", "prompt_cache_key", "service_tier", "store":
                chat[key] = value
                // Chat completions give alternatives only with `logprobs`; the Responses API has no such switch.
                if key == "top_logprobs" { chat["logprobs"] = true }
            case "input", "instructions": continue
            case "max_output_tokens": chat["max_tokens"] = value
            case "tools": chat["tools"] = try tools(value)
            case "tool_choice": chat["tool_choice"] = try toolChoice(value)
            case "text": if let format = try responseFormat(value) { chat["response_format"] = format }
            case "reasoning": if let effort = value["effort"], !effort.isNull { chat["reasoning_effort"] = effort }
            case "stream_options": continue  // `include_obfuscation` only: there is nothing to obfuscate
            case "truncation":
                guard value.stringValue == "disabled" else {
                    throw OpenAIRequestFields.unsupported(key, "only \"disabled\": a prompt is never cut")
                }
            case "include":
                guard value.arrayValue?.isEmpty ?? false else {
                    throw OpenAIRequestFields.unsupported(key, "no extra output is available")
                }
            case "background" where value.boolValue == false: continue
            case "previous_response_id", "conversation", "prompt", "background", "max_tool_calls":
                throw OpenAIRequestFields.unsupported(key, "responses are not stored; send the whole input")
            default:
                throw OpenAIRequestFields.unsupported(key, "not part of the Responses API this router translates")
            }
        }
        var messages: [JSONValue] = []
        if let instructions = try fields.string("instructions") {
            messages.append(["role": "system", "content": .string(instructions)])
        }
        guard let input = fields.object["input"], !input.isNull else {
            throw APIError.invalidField("input", "is required")
        }
        if let text = input.stringValue {
            messages.append(["role": "user", "content": .string(text)])
        } else if let items = input.arrayValue, !items.isEmpty {
            messages += try chatMessages(items)
        } else {
            throw APIError.invalidField("input", "must be a string or a non-empty array of items")
        }
        chat["messages"] = .array(messages)
        chat["stream_options"] = ["include_usage": true]
        var chatBody: [UInt8] = []
        JSONValue.object(chat).serialize(into: &chatBody)
        return (try CompletionRequest.openAIChat(body: chatBody), echo)
    }

    /// Input items as chat messages; consecutive `function_call` items join one assistant message's calls.
    private static func chatMessages(_ items: [JSONValue]) throws(APIError) -> [JSONValue] {
        var messages: [JSONValue] = []
        var pendingCalls: [JSONValue] = []
        func flushCalls() {
            guard !pendingCalls.isEmpty else { return }
            messages.append(["role": "assistant", "content": .null, "tool_calls": .array(pendingCalls)])
            pendingCalls = []
        }
        for (index, item) in items.enumerated() {
            let field = "input[\(index)]"
            guard let object = item.objectValue else { throw APIError.invalidField(field, "must be an object") }
            switch object["type"]?.stringValue ?? "message" {
            case "message":
                flushCalls()
                messages.append(try message(object, field: field))
            case "function_call":
                guard let callID = object["call_id"]?.stringValue, let name = object["name"]?.stringValue,
                    let arguments = object["arguments"]?.stringValue
                else { throw APIError.invalidField(field, "needs string call_id, name and arguments") }
                pendingCalls.append([
                    "id": .string(callID), "type": "function",
                    "function": ["name": .string(name), "arguments": .string(arguments)],
                ])
            case "function_call_output":
                flushCalls()
                guard let callID = object["call_id"]?.stringValue, let output = object["output"]?.stringValue else {
                    throw APIError.invalidField(field, "needs string call_id and output")
                }
                messages.append(["role": "tool", "tool_call_id": .string(callID), "content": .string(output)])
            case let type:
                throw OpenAIRequestFields.unsupported(field + ".type", "input items of type \(type) are not translated")
            }
        }
        flushCalls()
        return messages
    }

    /// A message item: its role kept, `input_text`/`output_text` parts as text parts, `input_image` as an image.
    private static func message(_ object: JSONObject, field: String) throws(APIError) -> JSONValue {
        guard let role = object["role"]?.stringValue else {
            throw APIError.invalidField(field + ".role", "is required and must be a string")
        }
        let content = object["content"]
        if let text = content?.stringValue { return ["role": .string(role), "content": .string(text)] }
        guard let parts = content?.arrayValue else {
            throw APIError.invalidField(field + ".content", "must be a string or an array of content parts")
        }
        var chatParts: [JSONValue] = []
        for (index, part) in parts.enumerated() {
            let name = "\(field).content[\(index)]"
            switch part["type"]?.stringValue {
            case "input_text", "output_text":
                guard let text = part["text"]?.stringValue else { throw APIError.invalidField(name, "needs a text") }
                chatParts.append(["type": "text", "text": .string(text)])
            case "refusal":
                guard let text = part["refusal"]?.stringValue else {
                    throw APIError.invalidField(name, "needs a refusal")
                }
                chatParts.append(["type": "text", "text": .string(text)])
            case "input_image":
                guard let url = part["image_url"]?.stringValue else {
                    throw OpenAIRequestFields.unsupported(name, "images are translated from image_url only")
                }
                var image: JSONObject = ["url": .string(url)]
                if let detail = part["detail"], !detail.isNull { image["detail"] = detail }
                chatParts.append(["type": "image_url", "image_url": .object(image)])
            default:
                throw OpenAIRequestFields.unsupported(name + ".type", "this content part is not translated")
            }
        }
        return ["role": .string(role), "content": .array(chatParts)]
    }

    /// Function tools (`{type, name, description, parameters, strict}`) as chat tools; other tool types are
    /// OpenAI's hosted tools, which no miner runs.
    private static func tools(_ value: JSONValue) throws(APIError) -> JSONValue {
        guard let items = value.arrayValue else { throw APIError.invalidField("tools", "must be an array") }
        var tools: [JSONValue] = []
        for (index, tool) in items.enumerated() {
            guard tool["type"]?.stringValue == "function" else {
                throw OpenAIRequestFields.unsupported("tools[\(index)].type", "only function tools run behind miners")
            }
            var function = JSONObject()
            for key in ["name", "description", "parameters", "strict"] {
                if let member = tool[key], !member.isNull { function[key] = member }
            }
            tools.append(["type": "function", "function": .object(function)])
        }
        return .array(tools)
    }

    private static func toolChoice(_ value: JSONValue) throws(APIError) -> JSONValue {
        if value.stringValue != nil { return value }
        guard value["type"]?.stringValue == "function", let name = value["name"]?.stringValue else {
            throw OpenAIRequestFields.unsupported("tool_choice", "only a mode or {\"type\":\"function\",\"name\":...}")
        }
        return ["type": "function", "function": ["name": .string(name)]]
    }

    /// `text.format` as a chat `response_format` (nil for plain text).
    private static func responseFormat(_ value: JSONValue) throws(APIError) -> JSONValue? {
        guard let format = value["format"], !format.isNull else { return nil }
        switch format["type"]?.stringValue {
        case "text": return nil
        case "json_object": return ["type": "json_object"]
        case "json_schema":
            var schema = JSONObject()
            for key in ["name", "schema", "strict", "description"] {
                if let member = format[key], !member.isNull { schema[key] = member }
            }
            return ["type": "json_schema", "json_schema": .object(schema)]
        default:
            throw APIError.invalidField("text.format.type", "must be \"text\", \"json_object\" or \"json_schema\"")
        }
    }
}
