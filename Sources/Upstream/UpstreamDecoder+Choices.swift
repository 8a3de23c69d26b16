import JSON

extension UpstreamDecoder {
    /// Most choices relayed (`n` is capped at this on the way in as well).
    static let maxChoices = 16
    /// Most tool calls in one choice.
    static let maxToolCalls = 128
    /// Longest `system_fingerprint` kept.
    static let maxFingerprintBytes = 256

    /// The events of a chunk's or reply's `choices`: choice 0's plain text stays a cheap `.text` (the common
    /// case); anything more becomes a `.piece` with the members checked and rebuilt, never relayed unchecked.
    static func appendChoices(
        _ choices: [JSONValue], to events: inout [UpstreamEvent], weight: Int
    ) throws(UpstreamDecodeError) {
        for (position, choice) in choices.prefix(maxChoices).enumerated() {
            guard let object = choice.objectValue else { throw .invalidChoice("a choice is not an object") }
            let index = object["index"]?.intValue.flatMap { Int(exactly: $0) } ?? position
            guard (0..<maxChoices).contains(index) else { throw .invalidChoice("choice index \(index)") }
            let body = object["delta"]?.objectValue ?? object["message"]?.objectValue
            let textKey = object["text"] != nil ? "text" : "content"
            let text = object["text"]?.stringValue ?? body?["content"]?.stringValue
            let finish = object["finish_reason"]?.stringValue
            var delta = try extras(of: body)
            let logprobs = try checkedLogprobs(object["logprobs"])
            if index == 0, delta.isEmpty, logprobs == nil {
                if let text, !text.isEmpty { events.append(.text(text)) }
                if let finish { events.append(.finish(reason: finish)) }
                continue
            }
            if let text, !text.isEmpty { delta[textKey] = .string(text) }
            events.append(
                .piece(
                    ChoicePiece(
                        index: index, delta: delta, logprobs: logprobs, finishReason: index == 0 ? nil : finish,
                        weight: weight / max(1, choices.count))))
            if index == 0, let finish { events.append(.finish(reason: finish)) }
        }
    }

    /// A delta's or message's members other than `role` and `content`, checked: `refusal`, `tool_calls`,
    /// `function_call`.
    private static func extras(of body: JSONObject?) throws(UpstreamDecodeError) -> JSONObject {
        var delta = JSONObject()
        guard let body else { return delta }
        if let refusal = body["refusal"], !refusal.isNull {
            guard let text = refusal.stringValue else { throw .invalidChoice("refusal is not a string") }
            if !text.isEmpty { delta["refusal"] = .string(text) }
        }
        if let calls = body["tool_calls"], !calls.isNull {
            guard let array = calls.arrayValue, array.count <= maxToolCalls else {
                throw .invalidChoice("tool_calls is not an array of at most \(maxToolCalls)")
            }
            var checked: [JSONValue] = []
            for (position, call) in array.enumerated() { checked.append(.object(try toolCall(call, position))) }
            if !checked.isEmpty { delta["tool_calls"] = .array(checked) }
        }
        if let call = body["function_call"], !call.isNull {
            guard let function = call.objectValue else { throw .invalidChoice("function_call is not an object") }
            delta["function_call"] = .object(try functionMembers(function))
        }
        return delta
    }

    /// One tool call (or streamed piece of one) rebuilt from its checked members; a whole message's calls carry
    /// no `index`, so their position is it.
    private static func toolCall(_ value: JSONValue, _ position: Int) throws(UpstreamDecodeError) -> JSONObject {
        guard let call = value.objectValue else { throw .invalidChoice("a tool call is not an object") }
        let index = call["index"]?.intValue.flatMap { Int(exactly: $0) } ?? position
        guard (0..<maxToolCalls).contains(index) else { throw .invalidChoice("tool call index \(index)") }
        var rebuilt: JSONObject = ["index": .int(Int64(index))]
        for key in ["id", "type"] {
            guard let member = call[key], !member.isNull else { continue }
            guard let text = member.stringValue else { throw .invalidChoice("tool call \(key) is not a string") }
            rebuilt[key] = .string(text)
        }
        if let function = call["function"], !function.isNull {
            guard let object = function.objectValue else { throw .invalidChoice("tool call function is not an object") }
            rebuilt["function"] = .object(try functionMembers(object))
        }
        return rebuilt
    }

    /// A function's `name` and `arguments` (strings; the arguments are JSON text, passed on as text).
    private static func functionMembers(_ function: JSONObject) throws(UpstreamDecodeError) -> JSONObject {
        var rebuilt = JSONObject()
        for key in ["name", "arguments"] {
            guard let member = function[key], !member.isNull else { continue }
            guard let text = member.stringValue else { throw .invalidChoice("function \(key) is not a string") }
            rebuilt[key] = .string(text)
        }
        return rebuilt
    }

    /// A choice's `logprobs`: an object (chat `content`/`refusal` lists, or the text completion arrays) or absent.
    private static func checkedLogprobs(_ value: JSONValue?) throws(UpstreamDecodeError) -> JSONValue? {
        guard let value, !value.isNull else { return nil }
        guard let object = value.objectValue else { throw .invalidChoice("logprobs is not an object") }
        return .object(object)
    }

    /// `usage`'s members beyond the three counts, nil when there are none.
    static func usageDetails(_ usage: JSONValue) -> JSONObject? {
        guard let object = usage.objectValue, object.count > 3 else { return nil }
        var details = JSONObject()
        for (key, value) in object where !["prompt_tokens", "completion_tokens", "total_tokens"].contains(key) {
            details[key] = value
        }
        return details.isEmpty ? nil : details
    }
}
