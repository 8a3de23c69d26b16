import Inference
import JSON

/// An OpenAI completion request as the local model runs it: the prompt's tokens and the generation settings.
struct LocalModelRequest {
    /// Which OpenAI endpoint asked (the reply's chunk shape follows it).
    enum Kind {
        case chat
        case completion
    }

    let kind: Kind
    let prompt: [TokenID]
    let parameters: GenerationParameters
    /// The grammar of `response_format`, when it asks for JSON.
    let grammar: JSONGrammar?
    /// Alternatives per token for `logprobs`; `nil` when not asked.
    let topLogprobs: Int?
    /// Choices to generate (`n`).
    let choices: Int

    /// Why a request cannot run locally; becomes a 400 reply from the local miner.
    struct Invalid: Error {
        let message: String
    }

    /// Parses `body` for `path` (`/v1/chat/completions` or `/v1/completions`); `maxTokens` caps the reply.
    init(path: String, body: [UInt8], model: LocalModel, maxTokens: Int) throws(Invalid) {
        let json: JSONValue
        do {
            json = try JSONValue.parse(body, limits: JSONLimits(maxDepth: 32, maxBytes: 16 << 20))
        } catch {
            throw Invalid(message: "invalid JSON: \(error)")
        }
        if let refusal = LocalModelCapabilities.unsupportedField(in: json) {
            throw Invalid(message: "field '\(refusal.field)' is not supported: \(refusal.reason)")
        }
        if path.hasSuffix("/chat/completions") {
            kind = .chat
            prompt = try Self.chatPrompt(json["messages"], model: model)
        } else {
            kind = .completion
            guard let text = json["prompt"]?.stringValue ?? json["prompt"]?.arrayValue?.first?.stringValue else {
                throw Invalid(message: "'prompt' must be a string")
            }
            prompt = model.tokenizer.encode(text)
        }
        parameters = Self.parameters(json, maxTokens: maxTokens)
        try Self.refuseTools(json, template: model.chatTemplate)
        grammar = try Self.grammar(json)
        topLogprobs = try Self.topLogprobs(json, kind: kind)
        choices = try Self.choiceCount(json)
    }

    private static func chatPrompt(_ messages: JSONValue?, model: LocalModel) throws(Invalid) -> [TokenID] {
        guard let items = messages?.arrayValue, !items.isEmpty else {
            throw Invalid(message: "'messages' must be a non-empty array")
        }
        var chat: [ChatTurn] = []
        for item in items {
            guard let role = item["role"]?.stringValue else { throw Invalid(message: "every message needs a 'role'") }
            chat.append(ChatTurn(role: role, content: text(of: item["content"])))
        }
        return model.tokenizer.encode(model.chatTemplate.render(chat), parseSpecial: true)
    }

    /// A message's text: a string, or the `text` parts of an array of content parts, one per line.
    private static func text(of content: JSONValue?) -> String {
        if let text = content?.stringValue { return text }
        return (content?.arrayValue ?? []).compactMap { $0["text"]?.stringValue }.joined(separator: "\n")
    }

    private static func parameters(_ json: JSONValue, maxTokens: Int) -> GenerationParameters {
        var sampling = SamplingParameters()
        let number = { (key: String) in json[key]?.doubleValue.map(Float.init) }
        if let temperature = number("temperature") { sampling.temperature = max(0, temperature) }
        if let topP = number("top_p") { sampling.topP = min(max(topP, 0), 1) }
        if let minP = number("min_p") { sampling.minP = min(max(minP, 0), 1) }
        if let topK = json["top_k"]?.intValue { sampling.topK = Int(clamping: max(0, topK)) }
        if let presence = number("presence_penalty") { sampling.presencePenalty = presence }
        if let frequency = number("frequency_penalty") { sampling.frequencyPenalty = frequency }
        if let repetition = number("repeat_penalty"), repetition > 0 { sampling.repetitionPenalty = repetition }
        if let seed = json["seed"]?.intValue { sampling.seed = UInt64(bitPattern: seed) }
        let asked = json["max_completion_tokens"]?.intValue ?? json["max_tokens"]?.intValue
        let stops = json["stop"]?.stringValue.map { [$0] } ?? (json["stop"]?.arrayValue ?? []).compactMap(\.stringValue)
        return GenerationParameters(
            sampling: sampling, maxTokens: min(Int(clamping: asked ?? Int64(maxTokens)), maxTokens),
            stopSequences: stops)
    }
}
