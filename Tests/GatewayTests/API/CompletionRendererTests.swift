import JSON
import Testing
import Upstream

@testable import Gateway

@Suite struct CompletionRendererTests {
    private func renderer(_ kind: CompletionRenderer.Kind, extra: JSONObject = [:]) -> CompletionRenderer {
        CompletionRenderer(kind: kind, id: "cmpl-1", created: 1_700_000_000, model: "tiny", extraFields: extra)
    }

    private func outcome() -> CompletionOutcome {
        var outcome = CompletionOutcome()
        for event: UpstreamEvent in [.text("Hel"), .text("lo"), .finish(reason: "length")] { outcome.apply(event) }
        return outcome
    }

    @Test func cortensorFullBodyHasTextShapeAndTaskIDs() {
        let body = renderer(.textCompletion, extra: ["task_id": 5, "session_id": 0]).fullBody(outcome())
        #expect(body["object"] == "text_completion")
        #expect(body["task_id"] == 5)
        #expect(body["session_id"] == 0)
        let choice = body["choices"]?.arrayValue?.first
        #expect(choice?["text"] == "Hello")
        #expect(choice?["finish_reason"] == "length")
        #expect(choice?["logprobs"] == .null)
        #expect(body["usage"]?["completion_tokens"] == 2)
        #expect(body["usage"]?["total_tokens"] == 2)
    }

    @Test func reportedUsageWinsOverDeltaCount() {
        var outcome = outcome()
        outcome.apply(.usage(prompt: 7, completion: 3))
        outcome.apply(.text("!"))
        #expect(outcome.completionTokens == 3)
        #expect(outcome.promptTokens == 7)
        #expect(outcome.text == "Hello!")
    }

    @Test func chatChunksCarryRoleOnceThenDeltasThenFinish() {
        let chat = renderer(.chatCompletion)
        let first = chat.textChunk("Hi", first: true)
        #expect(first["object"] == "chat.completion.chunk")
        #expect(first["choices"]?.arrayValue?.first?["delta"] == ["role": "assistant", "content": "Hi"])
        #expect(chat.textChunk("!", first: false)["choices"]?.arrayValue?.first?["delta"] == ["content": "!"])
        let last = chat.finishChunk("stop")["choices"]?.arrayValue?.first
        #expect(last?["finish_reason"] == "stop")
        #expect(last?["delta"] == [:])
        let usage = chat.usageChunk(outcome())
        #expect(usage["choices"] == [])
        #expect(usage["usage"]?["completion_tokens"] == 2)
    }

    @Test func chatFullBodyUsesMessage() {
        let body = renderer(.chatCompletion).fullBody(outcome())
        #expect(body["object"] == "chat.completion")
        #expect(
            body["choices"]?.arrayValue?.first?["message"] == [
                "role": "assistant", "content": "Hello", "refusal": .null,
            ])
    }

    @Test func serverSentEventFraming() throws {
        let event = ServerSentEvent.data(["a": "x\ny"])
        #expect(String(decoding: event, as: UTF8.self) == "data: {\"a\":\"x\\ny\"}\n\n")
        #expect(String(decoding: ServerSentEvent.done, as: UTF8.self) == "data: [DONE]\n\n")
    }

    @Test func errorShapesFollowTheirAPI() {
        let error = APIError.invalidField("max_tokens", "must be an integer")
        let openAI = error.body(for: .openAI)
        #expect(openAI["error"]?["param"] == "max_tokens")
        #expect(openAI["error"]?["type"] == "invalid_request_error")
        #expect(openAI["error"]?["code"] == "invalid_field")
        let cortensor = error.body(for: .cortensor)
        #expect(cortensor["status"] == "failed")
        #expect(cortensor["error"]?["code"] == "invalid_field")
        #expect(cortensor["error"]?["details"]?["field"] == "max_tokens")
        #expect(cortensor["error"]?["message"]?.stringValue?.contains("max_tokens") == true)
    }

    @Test func rateLimitErrorCarriesRetryAfterInWholeSeconds() {
        let error = APIError.rateLimited(retryAfter: .milliseconds(1200))
        #expect(error.status == 429)
        #expect(error.headers == [APIError.Header(name: "Retry-After", value: "2")])
    }
}
