import JSON

/// The OpenAI-compatible API (`/v1/...`) that the official SDKs speak.
struct OpenAIRoutes: Sendable {
    let service: CompletionService
    let pool: MinerPool
    let created: Int

    /// The routes with their methods.
    var routes: [(method: String, route: EdgeGateway.Route)] {
        [
            (
                "POST",
                route("/v1/chat/completions") { request, _ throws(APIError) in
                    let completion = try CompletionRequest.openAIChat(body: request.body)
                    return await service.respond(
                        to: completion, api: .openAIChat, requestID: request.id, bypassCache: request.asksNoCache)
                }
            ),
            (
                "POST",
                route("/v1/completions") { request, _ throws(APIError) in
                    let completion = try CompletionRequest.openAICompletion(body: request.body)
                    return await service.respond(
                        to: completion, api: .openAICompletion, requestID: request.id,
                        bypassCache: request.asksNoCache)
                }
            ),
            ("GET", route("/v1/models") { _, _ in await models() }),
        ]
    }

    private func route(_ pattern: String, _ handler: @escaping EdgeGateway.Handler) -> EdgeGateway.Route {
        EdgeGateway.Route(pattern: pattern, flavor: .openAI, handler: handler)
    }

    private func models() async -> Response {
        let names = await pool.models()
        let entries: [JSONValue] = names.map {
            ["id": .string($0), "object": "model", "created": .int(Int64(created)), "owned_by": "cortensor-edge"]
        }
        return .json(200, ["object": "list", "data": .array(entries)])
    }
}
