import Glibc
import JSON
import Testing

@testable import Inference

/// The token-level constraint: the trie walk finds exactly the tokens a byte-by-byte check allows, and its cache
/// returns the same masks.
@Suite struct GrammarConstraintTests {
    static let pieces: [[UInt8]] =
        [
            "{", "}", "\"", "\"name", "\":", " ", "\n", "a", "ab", "abc", "1", "12", ",", "[", "]", "true", "\"}",
            "\",",
            "\"age", "null", ":", "{\"", "é", "\\", "\\n", "", "x\"", "e", "-", ".",
        ].map { Array($0.utf8) } + [[0xC3], [0xA9], []]
    /// The last piece: an end-of-generation control token (it writes nothing).
    static let endOfSequence = TokenID(pieces.count - 1)

    static func constraint(_ schema: String) throws -> GrammarConstraint {
        GrammarConstraint(
            grammar: try JSONGrammarTests.grammar(schema), trie: TokenTrie(pieces: pieces),
            endOfGeneration: [endOfSequence])
    }

    static let schema = #"""
        {"type":"object","properties":{"name":{"type":"string"},"age":{"type":"integer"},"tags":{"type":"array",
         "items":{"type":"string"},"maxItems":2}},"required":["name","age"],"additionalProperties":false}
        """#

    @Test func trieWalkMatchesByteByByteChecks() throws {
        let constraint = try Self.constraint(Self.schema)
        var state = JSONGrammarState()
        let text = #"{"name":"ab\n é","age":12,"tags":["a","b"]}"#
        for byte in Array(text.utf8) {
            let mask = constraint.allowedTokens(after: state)
            for token in Self.pieces.indices {
                #expect(mask.contains(TokenID(token)) == constraint.allows(TokenID(token), after: state))
            }
            #expect(mask == constraint.allowedTokens(after: state), "a cached mask is the same")
            let fed = state.feed(byte, in: constraint.grammar)
            #expect(fed)
        }
        #expect(state.isFinished)
    }

    @Test func controlTokensNeverAndEndOfGenerationOnlyWhenWhole() throws {
        let constraint = try Self.constraint(#"{"type":"integer"}"#)
        var state = JSONGrammarState()
        #expect(!constraint.allows(25, after: state), "an empty piece")
        #expect(!constraint.allows(Self.endOfSequence, after: state))
        constraint.advance(&state, by: 11)
        #expect(constraint.allows(Self.endOfSequence, after: state))
        #expect(constraint.allowedTokens(after: state).contains(Self.endOfSequence))
        #expect(constraint.allowedTokens(after: state).contains(10), "more digits")
    }

    @Test func logprobsAreNormalized() {
        let logits: [Float] = [1, 3, 2.5, -1]
        let logprobs = TokenLogprobs(of: 2, in: logits, top: 2)
        #expect(logprobs.top.map(\.id) == [1, 2])
        let total = logits.indices.map { expf(TokenLogprobs(of: TokenID($0), in: logits, top: 0).logprob) }.reduce(0, +)
        #expect(abs(total - 1) < 1e-5)
        #expect(logprobs.top[1].logprob == logprobs.logprob)
    }
}
