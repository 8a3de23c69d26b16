import HTTPServer
import JSON

/// `/v1/completions` with several prompts: each prompt runs as its own completion (its own task record, cache entry
/// and miner), all at once, and the answer holds one choice per prompt with the prompt's `index`, in prompt order,
/// and the summed usage. A stream sends each prompt's choice as one chunk once that prompt has its answer (in
/// prompt order), then `[DONE]`. The first prompt that fails fails the whole request with its error, as OpenAI does.
struct BatchedCompletions: Sendable {
    let service: CompletionService

    /// Answers `requests` (one per prompt, all with the same options) for `requestID`.
    func respond(
        to requests: [CompletionRequest], requestID: String, caller: String?, bypassCache: Bool
    ) async -> Response {
        let stream = requests[0].stream
        let includeUsage = requests[0].includeUsage
        let answers = await withTaskGroup(of: (Int, Response).self) { group in
            for (index, request) in requests.enumerated() {
                var single = request
                single.stream = false
                group.addTask {
                    let answer = await service.respond(
                        to: single, api: .openAICompletion, requestID: "\(requestID)-\(index)", caller: caller,
                        bypassCache: bypassCache)
                    return (index, answer)
                }
            }
            var answers = [Response?](repeating: nil, count: requests.count)
            for await (index, answer) in group { answers[index] = answer }
            return answers.compactMap { $0 }
        }
        if let failed = answers.first(where: { $0.status != 200 }) { return failed }
        var bodies: [JSONObject] = []
        for answer in answers {
            guard case .bytes(let bytes) = answer.body, let body = try? JSONValue.parse(bytes).objectValue else {
                return APIError(status: 502, code: "upstream_failed", message: "a batched answer was unreadable")
                    .response(for: .openAI)
            }
            bodies.append(body)
        }
        var response =
            stream
            ? Self.streamed(bodies, id: "cmpl-" + requestID, includeUsage: includeUsage)
            : Response.json(200, .object(Self.merged(bodies, id: "cmpl-" + requestID)))
        let miners = answers.compactMap { $0.headers["X-Cortensor-Miner"] }
        response.headers.add(name: "X-Cortensor-Miner", value: miners.joined(separator: ", "))
        return response
    }

    /// One `text_completion` holding every prompt's choice, re-indexed, and the summed usage.
    static func merged(_ bodies: [JSONObject], id: String) -> JSONObject {
        var merged = bodies[0]
        merged["id"] = .string(id)
        merged["choices"] = .array(bodies.enumerated().map { index, body in choice(of: body, index: index) })
        merged["usage"] = usage(bodies)
        return merged
    }

    /// The first choice of `body` with `index` set.
    static func choice(of body: JSONObject, index: Int) -> JSONValue {
        var choice = body["choices"]?.arrayValue?.first?.objectValue ?? JSONObject()
        choice["index"] = .int(Int64(index))
        return .object(choice)
    }

    /// The sum of the bodies' usage counts.
    static func usage(_ bodies: [JSONObject]) -> JSONValue {
        func total(_ key: String) -> Int64 { bodies.reduce(0) { $0 + ($1["usage"]?[key]?.intValue ?? 0) } }
        return [
            "prompt_tokens": .int(total("prompt_tokens")), "completion_tokens": .int(total("completion_tokens")),
            "total_tokens": .int(total("total_tokens")),
        ]
    }

    /// The SSE answer: a chunk per prompt (its whole text and finish reason), the usage chunk when asked, `[DONE]`.
    static func streamed(_ bodies: [JSONObject], id: String, includeUsage: Bool) -> Response {
        var events: [UInt8] = []
        func send(_ chunk: JSONObject) {
            events += Array("data: ".utf8) + JSONValue.object(chunk).serializedBytes + Array("\n\n".utf8)
        }
        for (index, body) in bodies.enumerated() {
            var chunk = body
            chunk["id"] = .string(id)
            chunk["choices"] = [choice(of: body, index: index)]
            chunk["usage"] = nil
            send(chunk)
        }
        if includeUsage {
            var chunk = bodies[0]
            chunk["id"] = .string(id)
            chunk["choices"] = []
            chunk["usage"] = usage(bodies)
            send(chunk)
        }
        events += Array("data: [DONE]\n\n".utf8)
        var response = Response.bytes(200, contentType: "text/event-stream", events)
        response.headers.add(name: "Cache-Control", value: "no-cache")
        return response
    }
}
