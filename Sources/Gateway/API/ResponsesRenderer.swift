import JSON
import Synchronization
import Upstream

/// A chat completion's answer in the Responses API's shape: a `response` object whose `output` holds a message
/// item (the text) and one `function_call` item per tool call, or, streamed, its events (`response.created`,
/// `response.output_item.added`, `response.output_text.delta`, `response.function_call_arguments.delta`, ...,
/// `response.completed`), each with its `sequence_number`.
final class ResponsesRenderer: CompletionRendering {
    let id: String
    let created: Int
    let model: String
    /// The request's fields echoed in the response object.
    let echo: JSONObject
    private let stream = Mutex(StreamState())

    /// What a stream has opened so far.
    private struct StreamState {
        var sequence = 0
        /// Output items in order: nil is the message, a number is a tool call's index.
        var items: [Int?] = []
    }

    init(id: String, created: Int, model: String, echo: JSONObject) {
        self.id = id
        self.created = created
        self.model = model
        self.echo = echo
    }

    private var messageID: String { "msg_" + id.dropFirst(5) }

    private func callItemID(_ index: Int) -> String { "fc_\(id.dropFirst(5))_\(index)" }

    func fullBody(_ outcome: CompletionOutcome) -> JSONValue {
        .object(response(outcome, status: status(outcome), output: outputItems(outcome)))
    }

    private func status(_ outcome: CompletionOutcome) -> String {
        outcome.finishReason == "length" ? "incomplete" : "completed"
    }

    private func response(_ outcome: CompletionOutcome?, status: String, output: [JSONValue]) -> JSONObject {
        var body: JSONObject = [
            "id": .string(id), "object": "response", "created_at": .int(Int64(created)), "status": .string(status),
            "model": .string(model), "output": .array(output), "error": .null,
            "incomplete_details": status == "incomplete" ? ["reason": "max_output_tokens"] : .null,
            "instructions": .null, "max_output_tokens": .null, "metadata": [:], "parallel_tool_calls": true,
            "previous_response_id": .null, "reasoning": ["effort": .null, "summary": .null], "store": false,
            "temperature": .null, "text": ["format": ["type": "text"]], "tool_choice": "auto", "tools": [],
            "top_p": .null, "truncation": "disabled", "user": .null,
        ]
        for (key, value) in echo { body[key] = value }
        if let outcome {
            let input = Int64(outcome.promptTokens)
            let output = Int64(outcome.completionTokens)
            body["usage"] = [
                "input_tokens": .int(input), "input_tokens_details": ["cached_tokens": 0],
                "output_tokens": .int(output), "output_tokens_details": ["reasoning_tokens": 0],
                "total_tokens": .int(input + output),
            ]
        } else {
            body["usage"] = .null
        }
        return body
    }

    /// The message item (when there is text or a refusal) and the function call items.
    private func outputItems(_ outcome: CompletionOutcome) -> [JSONValue] {
        let extra = outcome.choices.first ?? ChoiceAccumulator()
        var items: [JSONValue] = []
        if !outcome.text.isEmpty || extra.refusal != nil || extra.toolCalls.isEmpty {
            items.append(messageItem(outcome, status: "completed"))
        }
        for call in extra.toolCalls { items.append(callItem(call, status: "completed")) }
        return items
    }

    private func messageItem(_ outcome: CompletionOutcome?, status: String) -> JSONValue {
        var content: [JSONValue] = []
        if let outcome {
            if let refusal = outcome.choices.first?.refusal {
                content.append(["type": "refusal", "refusal": .string(refusal)])
            }
            if !outcome.text.isEmpty || content.isEmpty { content.append(textPart(outcome.text)) }
        }
        return [
            "type": "message", "id": .string(messageID), "status": .string(status), "role": "assistant",
            "content": .array(content),
        ]
    }

    private func textPart(_ text: String) -> JSONValue {
        ["type": "output_text", "text": .string(text), "annotations": []]
    }

    private func callItem(_ call: JSONObject, status: String) -> JSONValue {
        let index = Int(call["index"]?.intValue ?? 0)
        let function = call["function"]?.objectValue ?? [:]
        return [
            "type": "function_call", "id": .string(callItemID(index)), "call_id": call["id"] ?? .string(""),
            "name": function["name"] ?? .string(""), "arguments": function["arguments"] ?? .string(""),
            "status": .string(status),
        ]
    }

    // MARK: streaming

    func streamOpening() -> [UInt8]? {
        let created = response(nil, status: "in_progress", output: [])
        return event("response.created", ["response": .object(created)])
            + event("response.in_progress", ["response": .object(created)])
    }

    func streamFrames(for event: UpstreamEvent, outcome: CompletionOutcome) -> [UInt8]? {
        switch event {
        case .text(let delta) where !delta.isEmpty:
            return textDelta(delta)
        case .piece(let piece) where piece.index == 0:
            var bytes: [UInt8] = []
            if let text = piece.delta["content"]?.stringValue, !text.isEmpty { bytes += textDelta(text) }
            for call in piece.delta["tool_calls"]?.arrayValue ?? [] {
                guard let call = call.objectValue else { continue }
                bytes += callDelta(call)
            }
            return bytes.isEmpty ? nil : bytes
        default:
            return nil
        }
    }

    private func textDelta(_ delta: String) -> [UInt8] {
        var bytes: [UInt8] = []
        let position = openedPosition(of: nil)
        if position.isNew {
            bytes += event(
                "response.output_item.added",
                ["output_index": .int(Int64(position.index)), "item": messageItem(nil, status: "in_progress")])
            bytes += event(
                "response.content_part.added",
                [
                    "item_id": .string(messageID), "output_index": .int(Int64(position.index)), "content_index": 0,
                    "part": textPart(""),
                ])
        }
        return bytes
            + event(
                "response.output_text.delta",
                [
                    "item_id": .string(messageID), "output_index": .int(Int64(position.index)), "content_index": 0,
                    "delta": .string(delta), "logprobs": [],
                ])
    }

    private func callDelta(_ call: JSONObject) -> [UInt8] {
        let index = Int(call["index"]?.intValue ?? 0)
        var bytes: [UInt8] = []
        let position = openedPosition(of: index)
        if position.isNew {
            var opening = call
            opening["function"] = ["name": call["function"]?["name"] ?? .string(""), "arguments": ""]
            bytes += event(
                "response.output_item.added",
                ["output_index": .int(Int64(position.index)), "item": callItem(opening, status: "in_progress")])
        }
        if let arguments = call["function"]?["arguments"]?.stringValue, !arguments.isEmpty {
            bytes += event(
                "response.function_call_arguments.delta",
                [
                    "item_id": .string(callItemID(index)), "output_index": .int(Int64(position.index)),
                    "delta": .string(arguments),
                ])
        }
        return bytes
    }

    /// The output index of an item, opening it when it is new.
    private func openedPosition(of item: Int?) -> (index: Int, isNew: Bool) {
        stream.withLock { state in
            if let index = state.items.firstIndex(of: item) { return (index, false) }
            state.items.append(item)
            return (state.items.count - 1, true)
        }
    }

    func streamClosing(_ outcome: CompletionOutcome, includeUsage: Bool) -> [UInt8] {
        let opened = stream.withLock { $0.items }
        let calls = outcome.choices.first?.toolCalls ?? []
        var bytes: [UInt8] = []
        for (position, item) in opened.enumerated() {
            let outputIndex: JSONValue = .int(Int64(position))
            if let index = item {
                guard let call = calls.first(where: { $0["index"]?.intValue == Int64(index) }) else { continue }
                let done = callItem(call, status: "completed")
                bytes += event(
                    "response.function_call_arguments.done",
                    [
                        "item_id": .string(callItemID(index)), "output_index": outputIndex,
                        "arguments": done["arguments"] ?? "",
                    ])
                bytes += event("response.output_item.done", ["output_index": outputIndex, "item": done])
            } else {
                let common: JSONObject = [
                    "item_id": .string(messageID), "output_index": outputIndex, "content_index": 0,
                ]
                bytes += event(
                    "response.output_text.done", common.merging(["text": .string(outcome.text), "logprobs": []]))
                bytes += event("response.content_part.done", common.merging(["part": textPart(outcome.text)]))
                bytes += event(
                    "response.output_item.done",
                    ["output_index": outputIndex, "item": messageItem(outcome, status: "completed")])
            }
        }
        let finalStatus = status(outcome)
        let name = finalStatus == "completed" ? "response.completed" : "response.incomplete"
        return bytes
            + event(name, ["response": .object(response(outcome, status: finalStatus, output: outputItems(outcome)))])
    }

    func streamFailure(_ error: APIError, flavor: APIFlavor) -> [UInt8] {
        event(
            "error",
            [
                "code": .string(error.code), "message": .string(error.message),
                "param": error.field.map(JSONValue.string) ?? .null,
            ])
    }

    /// One event: `event: NAME` and its data with `type` and the next sequence number.
    private func event(_ name: String, _ members: JSONObject) -> [UInt8] {
        let sequence = stream.withLock { state in
            defer { state.sequence += 1 }
            return state.sequence
        }
        var data: JSONObject = ["type": .string(name), "sequence_number": .int(Int64(sequence))]
        for (key, value) in members { data[key] = value }
        return Array("event: \(name)\n".utf8) + ServerSentEvent.data(.object(data))
    }
}

extension JSONObject {
    /// This object with `other`'s members added (replacing equal keys).
    func merging(_ other: JSONObject) -> JSONObject {
        var merged = self
        for (key, value) in other { merged[key] = value }
        return merged
    }
}
