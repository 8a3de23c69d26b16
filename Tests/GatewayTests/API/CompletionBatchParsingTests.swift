import JSON
import Testing

@testable import Gateway

/// `/v1/completions` prompt shapes: strings, token arrays and batches of either; options the miners cannot
/// honour are refused, never ignored.
@Suite struct CompletionBatchParsingTests {
    func parse(_ body: String) throws -> [CompletionRequest] {
        try CompletionRequest.openAICompletions(body: Array(body.utf8))
    }

    @Test func everyPromptShapeGivesOneRequestPerPrompt() throws {
        #expect(try parse(#"{"model":"m","prompt":"a"}"#).map(\.input) == [.prompt("a")])
        #expect(try parse(#"{"model":"m","prompt":[1,2,3]}"#).map(\.input) == [.tokens([1, 2, 3])])
        #expect(try parse(#"{"model":"m","prompt":["a","b"]}"#).map(\.input) == [.prompt("a"), .prompt("b")])
        #expect(try parse(#"{"model":"m","prompt":[[1],[2,3]]}"#).map(\.input) == [.tokens([1]), .tokens([2, 3])])
        let batch = try parse(#"{"model":"m","prompt":["a","b"],"max_tokens":3,"temperature":0}"#)
        #expect(batch.allSatisfy { $0.maxTokens == 3 && $0.temperature == 0 })
    }

    @Test(arguments: [
        #"{"model":"m","prompt":[]}"#, #"{"model":"m","prompt":[[]]}"#, #"{"model":"m","prompt":["a",1]}"#,
        #"{"model":"m","prompt":[-1]}"#,
        #"{"model":"m","prompt":[4294967296]}"#,
        #"{"model":"m","prompt":{"a":1}}"#, #"{"model":"m","prompt":"a","echo":true}"#,
        #"{"model":"m","prompt":"a","suffix":"z"}"#,
        #"{"model":"m","prompt":"a","best_of":2}"#,
    ])
    func badPromptsAndUnsupportedOptionsAreRefused(body: String) {
        #expect(throws: APIError.self) { try parse(body) }
    }

    @Test func harmlessDefaultsOfThoseOptionsAreAccepted() throws {
        #expect(try parse(#"{"model":"m","prompt":"a","echo":false,"suffix":"","best_of":1}"#).count == 1)
    }

    @Test func aBatchIsBounded() throws {
        let many =
            "[" + Array(repeating: #""p""#, count: CompletionRequest.maxBatchedPrompts + 1).joined(separator: ",")
        #expect(throws: APIError.self) { try parse(#"{"model":"m","prompt":\#(many)]}"#) }
    }

    @Test func tokenPromptsReachTheMinerAsTokens() throws {
        let body = CompletionRequest(input: .tokens([5, 6])).upstreamBody(model: nil)
        #expect(body["prompt"] == [5, 6])
    }
}
