import JSON
import Upstream

/// One choice's answer folded from its pieces: text, refusal, tool calls (arguments joined in arrival order,
/// call by call), a legacy `function_call`, logprobs (their lists joined) and finish reason. Choice 0's plain
/// text lives in `CompletionOutcome.text`; this holds the rest of it.
struct ChoiceAccumulator: Sendable, Equatable {
    /// The choice's text (choices other than 0).
    var text = ""
    var refusal: String?
    /// Tool calls by their `index`, in first-seen order.
    var toolCalls: [JSONObject] = []
    var functionCall: JSONObject?
    var logprobs: JSONObject?
    var finishReason: String?
    /// Pieces folded in; the first streamed delta of a chat choice carries the role.
    var pieces = 0

    /// Folds one piece in.
    mutating func apply(_ piece: ChoicePiece, isChoiceZero: Bool) {
        pieces += 1
        if !isChoiceZero, let delta = piece.delta["content"]?.stringValue ?? piece.delta["text"]?.stringValue {
            text += delta
        }
        if let delta = piece.delta["refusal"]?.stringValue { refusal = (refusal ?? "") + delta }
        for call in piece.delta["tool_calls"]?.arrayValue ?? [] { merge(toolCall: call) }
        if let call = piece.delta["function_call"]?.objectValue {
            functionCall = Self.joined(functionCall ?? [:], call)
        }
        if let more = piece.logprobs?.objectValue { logprobs = Self.joinedLists(logprobs, more) }
        if let reason = piece.finishReason { finishReason = reason }
    }

    private mutating func merge(toolCall call: JSONValue) {
        guard let call = call.objectValue, let index = call["index"] else { return }
        guard let position = toolCalls.firstIndex(where: { $0["index"] == index }) else {
            toolCalls.append(call)
            return
        }
        var merged = toolCalls[position]
        for key in ["id", "type"] { if let value = call[key] { merged[key] = value } }
        if let function = call["function"]?.objectValue {
            merged["function"] = .object(Self.joined(merged["function"]?.objectValue ?? [:], function))
        }
        toolCalls[position] = merged
    }

    /// A function's `name` set once, its `arguments` appended piece by piece.
    private static func joined(_ base: JSONObject, _ piece: JSONObject) -> JSONObject {
        var merged = base
        if let name = piece["name"], merged["name"] == nil { merged["name"] = name }
        if let arguments = piece["arguments"]?.stringValue {
            merged["arguments"] = .string((merged["arguments"]?.stringValue ?? "") + arguments)
        }
        return merged
    }

    /// Logprobs of successive pieces: list members (`content`, `tokens`, `token_logprobs`, ...) concatenated,
    /// anything else the latest.
    private static func joinedLists(_ base: JSONObject?, _ more: JSONObject) -> JSONObject {
        guard var merged = base else { return more }
        for (key, value) in more {
            if let list = value.arrayValue, let earlier = merged[key]?.arrayValue {
                merged[key] = .array(earlier + list)
            } else {
                merged[key] = value
            }
        }
        return merged
    }

    /// The whole chat message: `content` null when the answer is only tool calls, a function call or a refusal.
    func message(content: String) -> JSONObject {
        var message: JSONObject = ["role": "assistant"]
        let onlyCalls = content.isEmpty && (!toolCalls.isEmpty || functionCall != nil || refusal != nil)
        message["content"] = onlyCalls ? .null : .string(content)
        message["refusal"] = refusal.map(JSONValue.string) ?? .null
        if !toolCalls.isEmpty { message["tool_calls"] = .array(toolCalls.map(Self.wholeToolCall)) }
        if let functionCall { message["function_call"] = .object(Self.wholeFunction(functionCall)) }
        return message
    }

    /// A finished tool call as a whole message carries it: no `index`, the type defaulted, arguments a string.
    private static func wholeToolCall(_ call: JSONObject) -> JSONValue {
        [
            "id": call["id"] ?? .string(""), "type": call["type"] ?? "function",
            "function": .object(wholeFunction(call["function"]?.objectValue ?? [:])),
        ]
    }

    private static func wholeFunction(_ function: JSONObject) -> JSONObject {
        ["name": function["name"] ?? .string(""), "arguments": function["arguments"] ?? .string("")]
    }
}
