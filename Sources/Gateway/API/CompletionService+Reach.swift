import JSON

extension CompletionService {
    /// Refuses, before anything is recorded, an OpenAI request no miner can answer as asked: a model no miner
    /// serves (404 `model_not_found`), or a field the local model cannot honour when only it can answer (400
    /// naming the field).
    func checkReach(_ request: CompletionRequest, session: SessionConfig, upstreamBody: JSONValue)
        async throws(APIError)
    {
        let reach = await pool.reach(
            model: request.model, allowed: session.miners.isEmpty ? nil : session.miners)
        switch reach {
        case .remote:
            return
        case .unknown:
            throw APIError(
                status: 404, code: "model_not_found",
                message: "model '\(request.model ?? "")' is not served by any miner (see GET /v1/models)",
                field: "model")
        case .onlyLocal:
            if let refusal = LocalModelCapabilities.unsupportedField(in: upstreamBody) {
                throw OpenAIRequestFields.unsupported(
                    refusal.field, refusal.reason + " (only the local model can answer)")
            }
        }
    }
}
