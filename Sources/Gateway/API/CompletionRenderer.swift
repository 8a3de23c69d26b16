import JSON

/// Turns upstream events into one API's response bodies and stream chunks.
///
/// Text completions (Cortensor and OpenAI `/v1/completions`) put text in `choices[0].text`; chat completions put
/// it in `choices[0].message.content` or, streamed, `choices[0].delta.content`. Cortensor adds `task_id` and
/// `session_id` to every body and chunk through `extraFields`.
struct CompletionRenderer: Sendable {
    /// The response family.
    enum Kind: Sendable {
        case textCompletion
        case chatCompletion
    }

    let kind: Kind
    let id: String
    let created: Int
    let model: String
    let extraFields: JSONObject

    /// The complete (non-streamed) response body.
    func fullBody(_ outcome: CompletionOutcome) -> JSONValue {
        var choice: JSONObject = ["index": 0, "finish_reason": .string(outcome.finishReason ?? "stop")]
        switch kind {
        case .textCompletion:
            choice["text"] = .string(outcome.text)
            choice["logprobs"] = .null
        case .chatCompletion:
            choice["message"] = ["role": "assistant", "content": .string(outcome.text)]
            choice["logprobs"] = .null
        }
        var body = envelope(object: kind == .textCompletion ? "text_completion" : "chat.completion")
        body["choices"] = [.object(choice)]
        body["usage"] = outcome.usageJSON
        return .object(body)
    }

    /// One streamed chunk carrying `text`; `first` adds the chat role.
    func textChunk(_ text: String, first: Bool) -> JSONValue {
        switch kind {
        case .textCompletion:
            return chunk(choice: ["index": 0, "text": .string(text), "logprobs": .null, "finish_reason": .null])
        case .chatCompletion:
            let delta: JSONObject =
                first ? ["role": "assistant", "content": .string(text)] : ["content": .string(text)]
            return chunk(choice: ["index": 0, "delta": .object(delta), "logprobs": .null, "finish_reason": .null])
        }
    }

    /// The last content chunk, carrying `finish_reason`.
    func finishChunk(_ reason: String) -> JSONValue {
        switch kind {
        case .textCompletion:
            return chunk(choice: ["index": 0, "text": "", "logprobs": .null, "finish_reason": .string(reason)])
        case .chatCompletion:
            return chunk(choice: ["index": 0, "delta": [:], "logprobs": .null, "finish_reason": .string(reason)])
        }
    }

    /// The usage-only chunk of `stream_options.include_usage` (empty `choices`).
    func usageChunk(_ outcome: CompletionOutcome) -> JSONValue {
        var body = envelope(object: chunkObjectName)
        body["choices"] = []
        body["usage"] = outcome.usageJSON
        return .object(body)
    }

    private var chunkObjectName: String { kind == .textCompletion ? "text_completion" : "chat.completion.chunk" }

    private func chunk(choice: JSONObject) -> JSONValue {
        var body = envelope(object: chunkObjectName)
        body["choices"] = [.object(choice)]
        return .object(body)
    }

    private func envelope(object: String) -> JSONObject {
        var body: JSONObject = [
            "id": .string(id), "object": .string(object), "created": .int(Int64(created)), "model": .string(model),
        ]
        for key in extraFields.keys { body[key] = extraFields[key] }
        return body
    }
}

/// Server-sent event framing: `data: <payload>\n\n`.
enum ServerSentEvent {
    /// Frames a JSON value as one event.
    static func data(_ value: JSONValue) -> [UInt8] {
        var bytes = Array("data: ".utf8)
        value.serialize(into: &bytes)
        bytes.append(contentsOf: [0x0A, 0x0A])
        return bytes
    }

    /// The stream terminator OpenAI clients wait for.
    static let done: [UInt8] = Array("data: [DONE]\n\n".utf8)

    /// A comment line, ignored by clients; used as a keep-alive that also detects hung-up clients.
    static let keepAlive: [UInt8] = Array(": keep-alive\n\n".utf8)
}
