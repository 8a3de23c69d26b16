import HTTPServer
import JSON
import LightClient
import System

extension ChainSessions {
    /// The committed answer in the local completions' shapes: one JSON body, or a stream of one text chunk, a
    /// chunk with `finish_reason` (and usage, when asked for) and `[DONE]`.
    func render(_ answer: Answer, request: CompletionRequest, session: SessionConfig, requestID: String) -> Response {
        let renderer = CompletionRenderer(
            kind: .textCompletion, id: "cmpl-" + requestID, created: Int(WallClock.unixSeconds()),
            model: request.model ?? (session.model.isEmpty ? answer.miner.checksummed : session.model),
            extraFields: ["task_id": .int(Int64(answer.taskID)), "session_id": .int(Int64(session.id))])
        var outcome = CompletionOutcome()
        outcome.apply(.text(answer.text))
        outcome.apply(.finish(reason: "stop"))
        var response: Response
        if request.stream {
            let includeUsage = request.includeUsage
            response = Response(
                status: 200, headers: HTTPHeaders(),
                body: .stream({ [outcome] writer in
                    try await writer.write(ServerSentEvent.data(renderer.textChunk(answer.text, first: true)))
                    try await writer.write(ServerSentEvent.data(renderer.finishChunk("stop")))
                    if includeUsage { try await writer.write(ServerSentEvent.data(renderer.usageChunk(outcome))) }
                    try await writer.write(ServerSentEvent.done)
                }))
            response.headers.add(name: "Content-Type", value: "text/event-stream")
            response.headers.add(name: "Cache-Control", value: "no-cache")
        } else {
            response = Response.json(200, renderer.fullBody(outcome))
        }
        response.headers.add(name: "X-Cortensor-Miner", value: answer.miner.checksummed)
        response.headers.add(name: "X-Cortensor-Task", value: "\(session.id)/\(answer.taskID)")
        return response
    }
}

/// The integer `llmParams` of an on-chain task (router notes §4.4): `[maxTokens, temperature×100, topP×100, topK,
/// repeatPenalty×100, presencePenalty×100, frequencyPenalty×100]`, unset values as the official clients send them
/// (`[1024, 70, 100, 40, 100, 0, 0]`). Negative values are sent as 0 (the array is unsigned).
enum LLMParameters {
    /// The array for `request`.
    static func encoded(_ request: CompletionRequest) -> [UInt256] {
        [
            whole(request.maxTokens ?? 1024), scaled(request.temperature ?? 0.7), scaled(request.topP ?? 1),
            whole(request.topK ?? 40), 100, scaled(request.presencePenalty ?? 0), scaled(request.frequencyPenalty ?? 0),
        ]
    }

    private static func whole(_ value: Int) -> UInt256 {
        UInt256(UInt64(max(0, value)))
    }

    private static func scaled(_ value: Double) -> UInt256 {
        let hundredths = (value * 100).rounded()
        guard hundredths.isFinite, hundredths > 0 else { return .zero }
        return UInt256(UInt64(min(hundredths, 1e15)))
    }
}
