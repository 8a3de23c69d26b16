package import JSON

/// What the local model cannot honour, named so a request gets a 400 instead of an answer that silently ignores it:
/// tools, an unusable `response_format`, more choices or alternatives than it gives, logit bias, echo, suffix.
package enum LocalModelCapabilities {
    /// The first field of an OpenAI request `body` the local model cannot honour, with the reason; nil when it
    /// can run the request as asked.
    package static func unsupportedField(in body: JSONValue) -> (field: String, reason: String)? {
        func present(_ key: String) -> JSONValue? { body[key].flatMap { $0.isNull ? nil : $0 } }
        for key in ["tools", "functions"] {
            if let tools = present(key)?.arrayValue, !tools.isEmpty {
                return (key, "the local model's chat template has no tool calling")
            }
        }
        if let choice = present("tool_choice"), choice.stringValue != "none", choice.stringValue != "auto" {
            return ("tool_choice", "the local model has no tool calling")
        }
        do {
            _ = try LocalModelRequest.grammar(body)
        } catch {
            return ("response_format", error.message)
        }
        if let top = present("top_logprobs")?.intValue, top > LocalModelRequest.maxTopLogprobs {
            return ("top_logprobs", "the local model reports at most \(LocalModelRequest.maxTopLogprobs) alternatives")
        }
        if let n = present("n")?.intValue, n > LocalModelRequest.maxChoices {
            return ("n", "the local model answers at most \(LocalModelRequest.maxChoices) choices")
        }
        if (present("best_of")?.intValue ?? 1) > 1 { return ("best_of", "the local model answers one choice") }
        if let bias = present("logit_bias")?.objectValue, !bias.isEmpty {
            return ("logit_bias", "the local sampler has no logit bias")
        }
        if present("echo")?.boolValue == true { return ("echo", "the local model does not echo prompts") }
        if let suffix = present("suffix")?.stringValue, !suffix.isEmpty {
            return ("suffix", "the local model does not fill in the middle")
        }
        for key in ["grammar", "json_schema", "guided_json", "guided_regex", "guided_choice", "guided_grammar"]
        where present(key) != nil {
            return (key, "the local model constrains its output through response_format only")
        }
        for message in present("messages")?.arrayValue ?? [] {
            if message["tool_calls"].map({ !$0.isNull }) ?? false || message["role"]?.stringValue == "tool" {
                return ("messages", "the local model's chat template has no tool calling")
            }
            if let parts = message["content"]?.arrayValue,
                parts.contains(where: { $0["type"]?.stringValue != "text" })
            {
                return ("messages", "the local model reads text content parts only")
            }
        }
        return nil
    }
}
