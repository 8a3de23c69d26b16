import JSON
import Testing

@testable import Gateway
@testable import Upstream

@Suite struct UpstreamDecoderChoicesTests {
    @Test func toolCallPiecesAreCheckedAndRebuilt() throws {
        let chunk = #"""
            {"system_fingerprint":"fp_1","choices":[{"index":0,"delta":{"role":"assistant","content":null,
            "tool_calls":[{"index":0,"id":"call_1","type":"function","extra":1,
            "function":{"name":"f","arguments":"{\"a"}}]},"finish_reason":null}]}
            """#
        let events = try UpstreamDecoder.events(fromChunk: chunk)
        #expect(events.first == .fingerprint("fp_1"))
        guard case .piece(let piece) = events.last else {
            Issue.record("expected a piece")
            return
        }
        #expect(piece.index == 0)
        #expect(
            piece.delta["tool_calls"]
                == [["index": 0, "id": "call_1", "type": "function", "function": ["name": "f", "arguments": "{\"a"]]])
    }

    @Test func wholeMessagesNumberTheirToolCallsAndOtherChoicesArePieces() throws {
        let reply = #"""
            {"choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":[
            {"id":"a","type":"function","function":{"name":"f","arguments":"{}"}},
            {"id":"b","type":"function","function":{"name":"g","arguments":"[]"}}]},"finish_reason":"tool_calls"},
            {"index":1,"message":{"content":"second"},"finish_reason":"stop"}],
            "usage":{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3,"completion_tokens_details":{"x":1}}}
            """#
        var outcome = CompletionOutcome()
        for event in try UpstreamDecoder.events(fromChunk: reply) { outcome.apply(event) }
        #expect(outcome.finishReason == "tool_calls")
        #expect(outcome.choiceCount == 2)
        #expect(outcome.choices[0].toolCalls.map { $0["index"] } == [0, 1])
        #expect(outcome.choices[1].text == "second" && outcome.choices[1].finishReason == "stop")
        #expect(outcome.usageJSON["completion_tokens_details"] == ["x": 1])
        let message = outcome.choices[0].message(content: outcome.text)
        #expect(message["content"] == .null)
        #expect(message["tool_calls"]?.arrayValue?.first?["function"]?["arguments"] == "{}")
    }

    @Test func argumentPiecesJoinInOrder() throws {
        var outcome = CompletionOutcome()
        let pieces = [
            #"{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"c","function":{"name":"f","arguments":""}}]}}]}"#,
            #"{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"x\":"}}]}}]}"#,
            #"{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"1}"}}]}}]}"#,
        ]
        for piece in pieces { for event in try UpstreamDecoder.events(fromChunk: piece) { outcome.apply(event) } }
        #expect(outcome.choices[0].toolCalls.first?["function"]?["arguments"] == #"{"x":1}"#)
        #expect(outcome.choices[0].toolCalls.first?["function"]?["name"] == "f")
    }

    @Test(arguments: [
        #"{"choices":[{"index":0,"delta":{"tool_calls":{"index":0}}}]}"#,
        #"{"choices":[{"index":0,"delta":{"tool_calls":[{"index":999}]}}]}"#,
        #"{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":5}}]}}]}"#,
        #"{"choices":[{"index":0,"delta":{"refusal":7}}]}"#,
        #"{"choices":[{"index":0,"delta":{"content":"x"},"logprobs":[1]}]}"#,
        #"{"choices":[{"index":99,"delta":{"content":"x"}}]}"#,
        #"{"choices":["x"]}"#,
    ])
    func malformedChoicesAreRefused(_ payload: String) {
        #expect(throws: UpstreamDecodeError.self) { try UpstreamDecoder.events(fromChunk: payload) }
    }

    @Test func choicesWithoutAnIndexAreNumberedByPosition() throws {
        let payload = #"{"choices":[{"delta":{"content":"x"}},{"delta":{"content":"y"}}]}"#
        let events = try UpstreamDecoder.events(fromChunk: payload)
        #expect(events.first == .text("x"))
        guard case .piece(let second) = events.last else {
            Issue.record("expected a piece")
            return
        }
        #expect(second.index == 1 && second.delta == ["content": "y"])
    }

    @Test func plainTextStaysCheap() throws {
        let events = try UpstreamDecoder.events(fromChunk: #"{"choices":[{"index":0,"delta":{"content":"hi"}}]}"#)
        #expect(events == [.text("hi")])
    }
}
