import Inference
import JSON

/// The OpenAI fields the local model honours beyond sampling: `response_format` (by constrained decoding),
/// `logprobs`/`top_logprobs` and `n` (from its sampler), and `tools`, which its chat templates cannot render.
extension LocalModelRequest {
    /// Most choices one request may ask for (`n`): each is a whole generation on the one local model.
    static let maxChoices = 8
    /// Most alternatives per token (`top_logprobs`; OpenAI allows 20).
    static let maxTopLogprobs = 20

    /// The grammar `response_format` asks for: `nil` for text, any JSON object for `json_object`, the compiled
    /// schema for `json_schema`.
    static func grammar(_ json: JSONValue) throws(Invalid) -> JSONGrammar? {
        guard let format = json["response_format"], !format.isNull else { return nil }
        switch format["type"]?.stringValue {
        case "text": return nil
        case "json_object": return .anyObject
        case "json_schema":
            guard let schema = format["json_schema"]?["schema"] else {
                throw Invalid(message: "'response_format.json_schema.schema' is required")
            }
            do {
                return try JSONSchemaCompiler.compile(schema)
            } catch {
                throw Invalid(message: "'response_format.json_schema.schema': \(error)")
            }
        default:
            throw Invalid(message: "'response_format.type' must be 'text', 'json_object' or 'json_schema'")
        }
    }

    /// `tools` need a chat template that renders tool definitions and calls; the local model's formats render
    /// text turns only, so a request with tools is refused rather than answered as if it had none.
    static func refuseTools(_ json: JSONValue, template: ChatTemplate) throws(Invalid) {
        if let tools = json["tools"]?.arrayValue, !tools.isEmpty {
            throw Invalid(
                message: "'tools' is not supported by the local model: its chat template (\(template.rawValue)) "
                    + "has no tool calling")
        }
        if let functions = json["functions"]?.arrayValue, !functions.isEmpty {
            throw Invalid(message: "'functions' is not supported by the local model")
        }
    }

    /// How many alternatives each token reports, or `nil` for no logprobs: chat's `logprobs` (a boolean) with
    /// `top_logprobs`, or the completions API's `logprobs` (a count).
    static func topLogprobs(_ json: JSONValue, kind: Kind) throws(Invalid) -> Int? {
        let count: Int64?
        switch kind {
        case .chat:
            guard json["logprobs"]?.boolValue == true else { return nil }
            count = json["top_logprobs"]?.intValue ?? 0
        case .completion:
            guard let asked = json["logprobs"], !asked.isNull else { return nil }
            count = asked.intValue
        }
        guard let count, (0...Int64(maxTopLogprobs)).contains(count) else {
            throw Invalid(message: "top logprobs must be an integer from 0 to \(maxTopLogprobs)")
        }
        return Int(count)
    }

    /// `n`: how many choices to generate.
    static func choiceCount(_ json: JSONValue) throws(Invalid) -> Int {
        guard let n = json["n"], !n.isNull else { return 1 }
        guard let count = n.intValue, (1...Int64(maxChoices)).contains(count) else {
            throw Invalid(message: "'n' must be an integer from 1 to \(maxChoices) for the local model")
        }
        return Int(count)
    }
}
