import JSON
import Testing

@testable import Gateway

@Suite struct CompletionRequestTests {
    private func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    @Test func cortensorBodyWithEveryDocumentedField() throws {
        let body = """
            {"session_id": 7, "prompt": "hi", "prompt_type": 1, "prompt_template": "", "stream": true,
             "timeout": 900, "client_reference": "ref-1", "max_tokens": 128, "temperature": 0.5, "top_p": 0.95,
             "top_k": 40, "presence_penalty": 0, "frequency_penalty": 0, "precommit_timeout": 90,
             "stop": ["</s>"], "max_miners": 3, "something_new": {"ignored": true}}
            """
        let request = try CompletionRequest.cortensor(body: bytes(body), pathSession: nil)
        #expect(request.input == .prompt("hi"))
        #expect(request.sessionID == 7)
        #expect(request.stream)
        #expect(request.timeout == .seconds(900))
        #expect(request.clientReference == "ref-1")
        #expect(request.maxTokens == 128)
        #expect(request.temperature == 0.5)
        #expect(request.topP == 0.95)
        #expect(request.topK == 40)
        #expect(request.stop == ["</s>"])
    }

    @Test func pathSessionWinsOverBody() throws {
        let request = try CompletionRequest.cortensor(body: bytes(#"{"session_id":1,"prompt":"x"}"#), pathSession: 4)
        #expect(request.sessionID == 4)
    }

    @Test(arguments: ["0", "2147483648", "9223372036854775807", "9.0e3"])
    func bodySessionTakesTheWholeSessionIDRange(id: String) throws {
        let request = try CompletionRequest.cortensor(
            body: bytes(#"{"session_id":\#(id),"prompt":"x"}"#), pathSession: nil)
        #expect(request.sessionID.map(String.init) == (id == "9.0e3" ? "9000" : id))
        #expect(SessionID.range == 0...9_223_372_036_854_775_807)
    }

    @Test(arguments: ["-1", "9223372036854775808", "18446744073709551616", "1e30", "1.5"])
    func bodySessionBeyondTheRangeNamesIt(id: String) {
        #expect(
            throws: APIError.invalidField("session_id", "must be an integer between 0 and 9223372036854775807")
        ) {
            try CompletionRequest.cortensor(body: bytes(#"{"session_id":\#(id),"prompt":"x"}"#), pathSession: nil)
        }
    }

    @Test func promptTypeTwoSendsTemplateAsSystemMessage() throws {
        let body = #"{"prompt":"question","prompt_type":2,"prompt_template":"You are terse."}"#
        let request = try CompletionRequest.cortensor(body: bytes(body), pathSession: 0)
        #expect(
            request.input
                == .messages([
                    ChatMessage(role: "system", content: "You are terse."),
                    ChatMessage(role: "user", content: "question"),
                ]))
    }

    @Test(arguments: [
        (#"{"prompt":"x","max_tokens":"12"}"#, "max_tokens"),
        (#"{"prompt":"x","stream":"yes"}"#, "stream"),
        (#"{"prompt":"x","temperature":"hot"}"#, "temperature"),
        (#"{"prompt":"x","temperature":7}"#, "temperature"),
        (#"{"prompt":"x","session_id":"abc"}"#, "session_id"),
        (#"{"prompt":"x","timeout":1.5}"#, "timeout"),
        (#"{"prompt":"x","stop":[1]}"#, "stop"),
        (#"{"prompt":12}"#, "prompt"),
        (#"{"max_tokens":12}"#, "prompt"),
    ])
    func wrongTypesNameTheField(body: String, field: String) {
        do {
            _ = try CompletionRequest.cortensor(body: bytes(body), pathSession: 0)
            Issue.record("accepted \(body)")
        } catch {
            #expect(error.status == 400)
            #expect(error.field == field)
            #expect(error.message.contains(field))
        }
    }

    @Test(arguments: ["", "{", "[1,2]", "\"text\"", "{\"prompt\":\"x\",}", String(repeating: "[", count: 10_000)])
    func malformedBodiesAre400(body: String) {
        do {
            _ = try CompletionRequest.cortensor(body: bytes(body), pathSession: 0)
            Issue.record("accepted \(body.prefix(20))")
        } catch {
            #expect(error.status == 400)
            #expect(error.code == "invalid_json")
        }
    }

    @Test func openAIChatWithContentPartsAndOptions() throws {
        let body = """
            {"model":"m","messages":[{"role":"system","content":"s"},
             {"role":"user","content":[{"type":"text","text":"a"},{"type":"text","text":"b"}]}],
             "stream":true,"stream_options":{"include_usage":true},"seed":42,"n":1,"stop":"END"}
            """
        let request = try CompletionRequest.openAIChat(body: bytes(body))
        guard case .messages(let messages) = request.input else {
            Issue.record("expected messages")
            return
        }
        #expect(messages.map(\.role) == ["system", "user"])
        #expect(messages.map(\.content) == ["s", "a\nb"], "parts are one text, a line each")
        #expect(messages[1].wire["content"]?.arrayValue?.count == 2, "the miner gets the parts as sent")
        #expect(request.forwarded == ["n": 1])
        #expect(request.model == "m")
        #expect(request.includeUsage)
        #expect(request.seed == 42)
        #expect(request.stop == ["END"])
    }

    @Test func openAIRejectsBadChoicesMissingMessagesModelsAndRoles() {
        let cases = [
            (#"{"model":"m","messages":[{"role":"user","content":"x"}],"n":17}"#, "n"),
            (#"{"model":"m","messages":[]}"#, "messages"),
            (#"{"messages":[{"role":"user","content":"x"}]}"#, "model"),
            (#"{"model":"m","messages":[{"role":"bogus","content":"x"}]}"#, "messages[0].role"),
            (#"{"model":"m","messages":[{"role":"user","content":"x"}],"audio":{}}"#, "audio"),
            (
                #"{"model":"m","messages":[{"role":"user","content":"x"}],"tools":[{"type":"function"}]}"#,
                "tools[0].function"
            ),
        ]
        for (body, field) in cases {
            #expect(throws: APIError.self) { try CompletionRequest.openAIChat(body: self.bytes(body)) }
            do {
                _ = try CompletionRequest.openAIChat(body: self.bytes(body))
            } catch {
                #expect(error.field == field, "\(body)")
            }
        }
        #expect(throws: APIError.self) { try CompletionRequest.openAICompletion(body: self.bytes(#"{"model":"m"}"#)) }
    }

    @Test func upstreamBodyForwardsOnlySetOptionsAndAlwaysStreams() throws {
        var request = CompletionRequest(input: .prompt("p"))
        request.maxTokens = 5
        request.stop = ["x"]
        let body = request.upstreamBody(model: "tiny")
        #expect(body["model"] == "tiny")
        #expect(body["prompt"] == "p")
        #expect(body["stream"] == true)
        #expect(body["max_tokens"] == 5)
        #expect(body["stop"] == ["x"])
        #expect(body["temperature"] == nil)
    }
}
