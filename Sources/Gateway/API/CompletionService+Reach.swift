import JSON
import Upstream

extension CompletionService {
    /// Refuses, before anything is recorded, a request that only the local model could answer and that asks for
    /// something it cannot honour (400 naming the field; see `LocalModelCapabilities`).
    func checkLocalCapabilities(_ request: CompletionRequest, session: SessionConfig, upstreamBody: JSONValue)
        async throws(APIError)
    {
        guard !request.forwarded.isEmpty || request.input.hasRichMessages else { return }
        let allowed = session.miners.isEmpty ? nil : session.miners
        guard await pool.onlyLocalCanAnswer(model: request.model, allowed: allowed),
            let refusal = LocalModelCapabilities.unsupportedField(in: upstreamBody)
        else { return }
        throw OpenAIRequestFields.unsupported(refusal.field, refusal.reason + " (only the local model can answer)")
    }
}

extension CompletionRequest.Input {
    /// Whether any message is more than a role and a text (parts, tool calls, a name...).
    var hasRichMessages: Bool {
        guard case .messages(let messages) = self else { return false }
        return messages.contains { $0.wire.count > 2 || $0.wire["content"]?.stringValue == nil }
    }
}
