import Cache
import HTTPServer
import JSON
import Upstream

/// The OpenAI-compatible API (`/v1/...`) that the official SDKs speak.
struct OpenAIRoutes: Sendable {
    let service: CompletionService
    let pool: MinerPool
    let created: Int
    /// The local model, which answers `/v1/embeddings`; nil without one.
    let localModel: LocalModelMiner?

    /// The routes with their methods.
    var routes: [(method: String, route: EdgeGateway.Route)] {
        [
            (
                "POST",
                route("/v1/chat/completions", waitsOnMiners: true) { request, _ throws(APIError) in
                    let completion = try CompletionRequest.openAIChat(body: request.body)
                    return await service.respond(
                        to: completion, api: .openAIChat, requestID: request.id, caller: request.caller,
                        bypassCache: request.asksNoCache)
                }
            ),
            (
                "POST",
                route("/v1/completions", waitsOnMiners: true) { request, _ throws(APIError) in
                    let completions = try CompletionRequest.openAICompletions(body: request.body)
                    guard completions.count == 1 else {
                        return await BatchedCompletions(service: service).respond(
                            to: completions, requestID: request.id, caller: request.caller,
                            bypassCache: request.asksNoCache)
                    }
                    return await service.respond(
                        to: completions[0], api: .openAICompletion, requestID: request.id, caller: request.caller,
                        bypassCache: request.asksNoCache)
                }
            ),
            (
                "POST",
                route("/v1/responses", waitsOnMiners: true) { request, _ throws(APIError) in
                    let (completion, echo) = try ResponsesRequest.parse(body: request.body)
                    return await service.respond(
                        to: completion, api: .openAIResponses(echo: echo), requestID: request.id,
                        caller: request.caller, bypassCache: request.asksNoCache)
                }
            ),
            ("GET", route("/v1/models") { _, _ in await models() }),
            ("POST", route("/v1/embeddings") { request, _ throws(APIError) in try await embeddings(request) }),
        ]
    }

    private func route(
        _ pattern: String, waitsOnMiners: Bool = false, _ handler: @escaping EdgeGateway.Handler
    ) -> EdgeGateway.Route {
        EdgeGateway.Route(pattern: pattern, flavor: .openAI, waitsOnMiners: waitsOnMiners, handler: handler)
    }

    private func models() async -> Response {
        let entries: [JSONValue] = await pool.models().map { entry in
            [
                "id": .string(entry.model), "object": "model", "created": .int(Int64(created)),
                "owned_by": "cortensor-edge", "miners": .array(entry.miners.map(JSONValue.string)),
            ]
        }
        return .json(200, ["object": "list", "data": .array(entries)])
    }

    /// `POST /v1/embeddings`: `input` (a string or an array of strings) embedded by the local model, as floats
    /// or, with `encoding_format: "base64"` (the OpenAI SDK's default), as base64 little-endian float32.
    private func embeddings(_ request: Request) async throws(APIError) -> Response {
        guard let localModel else {
            throw APIError(
                status: 503, code: "no_embedding_model",
                message: "embeddings come from the local model: set [fallback] model (see docs/config.md)")
        }
        let fields = try FieldReader(body: request.body)
        let inputs: [String]
        if let text = fields.object["input"]?.stringValue {
            inputs = [text]
        } else if let items = try fields.array("input"), !items.isEmpty, items.allSatisfy({ $0.stringValue != nil }) {
            inputs = items.compactMap(\.stringValue)
        } else {
            throw APIError.invalidField("input", "must be a string or a non-empty array of strings")
        }
        let format = try fields.string("encoding_format") ?? "float"
        guard format == "float" || format == "base64" else {
            throw APIError.invalidField("encoding_format", "must be \"float\" or \"base64\"")
        }
        let result: (vectors: [[Float]], tokens: Int)
        do {
            result = try await localModel.embeddings(of: inputs, caller: request.caller)
        } catch {
            switch error {
            case .busy:
                throw APIError(
                    status: 503, code: "miners_busy", message: "the local model is busy",
                    headers: [APIError.Header(name: "Retry-After", value: "5")])
            case .tooLong(let index, let tokens, let contextLength):
                throw APIError.invalidField(
                    "input", "item \(index) is \(tokens) tokens; the local model's context is \(contextLength)")
            }
        }
        let data: [JSONValue] = result.vectors.enumerated().map { index, vector in
            let embedding: JSONValue =
                format == "base64"
                ? .string(Multibase.base64pad.encodeWithoutPrefix(vector.flatMap(Self.littleEndianBytes)))
                : .array(vector.map { .double(Double($0)) })
            return ["object": "embedding", "index": .int(Int64(index)), "embedding": embedding]
        }
        let usage: JSONValue = [
            "prompt_tokens": .int(Int64(result.tokens)), "total_tokens": .int(Int64(result.tokens)),
        ]
        return .json(
            200, ["object": "list", "data": .array(data), "model": .string(localModel.model.name), "usage": usage])
    }

    private static func littleEndianBytes(_ value: Float) -> [UInt8] {
        let bits = value.bitPattern
        return [
            UInt8(truncatingIfNeeded: bits), UInt8(truncatingIfNeeded: bits >> 8),
            UInt8(truncatingIfNeeded: bits >> 16), UInt8(truncatingIfNeeded: bits >> 24),
        ]
    }
}
