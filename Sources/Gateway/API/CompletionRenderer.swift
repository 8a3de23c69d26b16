import JSON
import Upstream

/// How a completion answer is written in one API's shape: whole, or as the frames of a stream.
protocol CompletionRendering: Sendable {
    /// The complete (non-streamed) response body.
    func fullBody(_ outcome: CompletionOutcome) -> JSONValue
    /// Frames sent before the first event (nil: none).
    func streamOpening() -> [UInt8]?
    /// The frames relaying `event`, already folded into `outcome` (nil: nothing to send).
    func streamFrames(for event: UpstreamEvent, outcome: CompletionOutcome) -> [UInt8]?
    /// The frames that end a successful stream.
    func streamClosing(_ outcome: CompletionOutcome, includeUsage: Bool) -> [UInt8]
    /// The one frame that ends a failed stream (never followed by a success marker).
    func streamFailure(_ error: APIError, flavor: APIFlavor) -> [UInt8]
}

/// Turns upstream events into one API's response bodies and stream chunks.
///
/// Text completions (Cortensor and OpenAI `/v1/completions`) put text in `choices[i].text`; chat completions put
/// it in `choices[i].message` or, streamed, `choices[i].delta`, with tool calls, refusals and logprobs relayed
/// piece by piece. Cortensor adds `task_id` and `session_id` to every body and chunk through `extraFields`.
struct CompletionRenderer: CompletionRendering {
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

    /// The complete (non-streamed) response body, one choice per choice the miner answered.
    func fullBody(_ outcome: CompletionOutcome) -> JSONValue {
        var choices: [JSONValue] = []
        for index in 0..<outcome.choiceCount {
            let extra = index < outcome.choices.count ? outcome.choices[index] : ChoiceAccumulator()
            let text = index == 0 ? outcome.text : extra.text
            let reason = index == 0 ? outcome.finishReason : extra.finishReason
            var choice: JSONObject = ["index": .int(Int64(index)), "finish_reason": .string(reason ?? "stop")]
            switch kind {
            case .textCompletion: choice["text"] = .string(text)
            case .chatCompletion: choice["message"] = .object(extra.message(content: text))
            }
            choice["logprobs"] = extra.logprobs.map(JSONValue.object) ?? .null
            choices.append(.object(choice))
        }
        var body = envelope(object: kind == .textCompletion ? "text_completion" : "chat.completion", outcome)
        body["choices"] = .array(choices)
        body["usage"] = outcome.usageJSON
        return .object(body)
    }

    func streamOpening() -> [UInt8]? { nil }

    func streamFrames(for event: UpstreamEvent, outcome: CompletionOutcome) -> [UInt8]? {
        switch event {
        case .text(let delta) where !delta.isEmpty:
            return ServerSentEvent.data(textChunk(delta, first: outcome.startedChoice(0), outcome))
        case .piece(let piece):
            return ServerSentEvent.data(pieceChunk(piece, first: outcome.startedChoice(piece.index), outcome))
        default:
            return nil
        }
    }

    func streamClosing(_ outcome: CompletionOutcome, includeUsage: Bool) -> [UInt8] {
        var bytes = ServerSentEvent.data(finishChunk(outcome.finishReason ?? "stop", outcome))
        if includeUsage { bytes += ServerSentEvent.data(usageChunk(outcome)) }
        return bytes + ServerSentEvent.done
    }

    func streamFailure(_ error: APIError, flavor: APIFlavor) -> [UInt8] {
        ServerSentEvent.data(error.body(for: flavor))
    }

    /// One streamed chunk carrying `text`; `first` adds the chat role.
    func textChunk(_ text: String, first: Bool, _ outcome: CompletionOutcome = CompletionOutcome()) -> JSONValue {
        switch kind {
        case .textCompletion:
            return chunk(
                choice: ["index": 0, "text": .string(text), "logprobs": .null, "finish_reason": .null], outcome)
        case .chatCompletion:
            let delta: JSONObject =
                first ? ["role": "assistant", "content": .string(text)] : ["content": .string(text)]
            return chunk(
                choice: ["index": 0, "delta": .object(delta), "logprobs": .null, "finish_reason": .null], outcome)
        }
    }

    /// One streamed chunk carrying a piece as the miner sent it (tool-call argument deltas stay pieces).
    func pieceChunk(_ piece: ChoicePiece, first: Bool, _ outcome: CompletionOutcome) -> JSONValue {
        var choice: JSONObject = ["index": .int(Int64(piece.index))]
        switch kind {
        case .textCompletion:
            choice["text"] = piece.delta["text"] ?? .string("")
        case .chatCompletion:
            var delta: JSONObject = first ? ["role": "assistant"] : [:]
            for (key, value) in piece.delta { delta[key] = value }
            choice["delta"] = .object(delta)
        }
        choice["logprobs"] = piece.logprobs ?? .null
        choice["finish_reason"] = piece.finishReason.map(JSONValue.string) ?? .null
        return chunk(choice: choice, outcome)
    }

    /// The last content chunk, carrying `finish_reason`.
    func finishChunk(_ reason: String, _ outcome: CompletionOutcome = CompletionOutcome()) -> JSONValue {
        switch kind {
        case .textCompletion:
            return chunk(
                choice: ["index": 0, "text": "", "logprobs": .null, "finish_reason": .string(reason)], outcome)
        case .chatCompletion:
            return chunk(
                choice: ["index": 0, "delta": [:], "logprobs": .null, "finish_reason": .string(reason)], outcome)
        }
    }

    /// The usage-only chunk of `stream_options.include_usage` (empty `choices`).
    func usageChunk(_ outcome: CompletionOutcome) -> JSONValue {
        var body = envelope(object: chunkObjectName, outcome)
        body["choices"] = []
        body["usage"] = outcome.usageJSON
        return .object(body)
    }

    private var chunkObjectName: String { kind == .textCompletion ? "text_completion" : "chat.completion.chunk" }

    private func chunk(choice: JSONObject, _ outcome: CompletionOutcome) -> JSONValue {
        var body = envelope(object: chunkObjectName, outcome)
        body["choices"] = [.object(choice)]
        return .object(body)
    }

    private func envelope(object: String, _ outcome: CompletionOutcome) -> JSONObject {
        var body: JSONObject = [
            "id": .string(id), "object": .string(object), "created": .int(Int64(created)), "model": .string(model),
        ]
        if let fingerprint = outcome.systemFingerprint { body["system_fingerprint"] = .string(fingerprint) }
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
