import Testing
import Upstream

@Suite struct UpstreamDecoderTests {
    @Test(arguments: [
        // llama.cpp chat stream: role chunk with empty content, content chunks, final chunk, usage chunk.
        (
            #"{"choices":[{"finish_reason":null,"index":0,"delta":{"role":"assistant","content":null}}],"object":"chat.completion.chunk"}"#,
            [UpstreamEvent]()
        ),
        (#"{"choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}"#, []),
        (#"{"choices":[{"finish_reason":null,"index":0,"delta":{"content":" Hello"}}]}"#, [.text(" Hello")]),
        (#"{"choices":[{"finish_reason":"stop","index":0,"delta":{}}],"created":1}"#, [.finish(reason: "stop")]),
        (
            #"{"choices":[],"usage":{"completion_tokens":12,"prompt_tokens":5,"total_tokens":17},"timings":{"a":1.5}}"#,
            [.usage(prompt: 5, completion: 12)]
        ),
        // Completions stream: text chunks, an empty text chunk, a final chunk with usage.
        (#"{"choices":[{"text":"wor","index":0,"logprobs":null,"finish_reason":null}]}"#, [.text("wor")]),
        (#"{"choices":[{"text":"","index":0,"finish_reason":null}]}"#, []),
        (
            #"{"choices":[{"text":"d","finish_reason":"length"}],"usage":{"prompt_tokens":3,"completion_tokens":4}}"#,
            [.text("d"), .finish(reason: "length"), .usage(prompt: 3, completion: 4)]
        ),
        // Non-stream replies.
        (
            #"{"choices":[{"index":0,"message":{"role":"assistant","content":"Hi!"},"finish_reason":"stop"}],"usage":{"prompt_tokens":9,"completion_tokens":2}}"#,
            [.text("Hi!"), .finish(reason: "stop"), .usage(prompt: 9, completion: 2)]
        ),
        // Escapes, including a surrogate pair and whitespace around the document.
        (
            " {\"choices\":[{\"delta\":{\"content\":\"a\\n\\\"b\\\"\\u00e9\\ud83d\\ude00\\/\"}}]} \n",
            [.text("a\n\"b\"\u{e9}\u{1F600}/")]
        ),
        (#"{"choices":[{"delta":{"content":"x"}}],"usage":null}"#, [.text("x")]),
    ])
    func decodesChunks(payload: String, expected: [UpstreamEvent]) throws {
        #expect(try UpstreamDecoder.events(fromChunk: payload) == expected)
    }

    @Test func errorObjectsBecomeMinerErrors() throws {
        #expect(throws: UpstreamDecodeError.minerError("context overflow")) {
            try UpstreamDecoder.events(fromChunk: #"{"error":{"code":500,"message":"context overflow"}}"#)
        }
        #expect(throws: UpstreamDecodeError.minerError("busy")) {
            try UpstreamDecoder.events(fromChunk: #"{"error":"busy"}"#)
        }
        #expect(throws: UpstreamDecodeError.minerError(String(repeating: "x", count: 200))) {
            try UpstreamDecoder.events(fromChunk: #"{"error":{"message":"\#(String(repeating: "x", count: 500))"}}"#)
        }
        #expect(try UpstreamDecoder.events(fromChunk: #"{"error":null,"choices":[]}"#) == [])
    }

    @Test(arguments: [
        ("this is not json", 1),
        ("{broken", 1),
        (#"{"choices":[{"text":"a"}]"#, 25),
        (#"{"a":1}x"#, 7),
        (#"{"a":01.5e}"#, 6),
        (#"{"a":1.}"#, 7),
        (#"{"a":-}"#, 6),
        (#"{"a":.5}"#, 5),
        (#"{"a":1e+}"#, 8),
        (#"{"a":"\x"}"#, 7),
        ("{\"a\":\"\u{01}\"}", 6),
        (#"{"a":tru}"#, 8),
        ("", 0),
    ])
    func rejectsInvalidJSON(payload: String, offset: Int) {
        do {
            _ = try UpstreamDecoder.events(fromChunk: payload)
            Issue.record("accepted \(payload)")
        } catch {
            guard case .invalidJSON = error else {
                Issue.record("expected invalidJSON, got \(error)")
                return
            }
        }
    }

    @Test func rejectsNonObjects() {
        #expect(throws: UpstreamDecodeError.notAnObject) { try UpstreamDecoder.events(fromChunk: "[1,2]") }
        #expect(throws: UpstreamDecodeError.notAnObject) { try UpstreamDecoder.events(fromChunk: "\"text\"") }
    }

    @Test func rejectsExcessiveNesting() {
        let deep = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect(throws: UpstreamDecodeError.self) { try UpstreamDecoder.events(fromChunk: "{\"a\":\(deep)}") }
    }

    @Test func recognizesDone() {
        #expect(UpstreamDecoder.isDone("[DONE]"))
        #expect(!UpstreamDecoder.isDone("[DONE] "))
        #expect(!UpstreamDecoder.isDone("{}"))
    }

    @Test func ignoresNonIntegralUsage() throws {
        #expect(try UpstreamDecoder.events(fromChunk: #"{"usage":{"prompt_tokens":1.5,"completion_tokens":2}}"#) == [])
        #expect(
            try UpstreamDecoder.events(fromChunk: #"{"usage":{"prompt_tokens":1e1,"completion_tokens":-0}}"#) == [
                .usage(prompt: 10, completion: 0)
            ])
    }
}
