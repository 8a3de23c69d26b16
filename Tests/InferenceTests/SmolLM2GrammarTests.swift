import Foundation
import JSON
import Testing

@testable import Inference

/// The grammar constraint on the real vocabulary (SmolLM2's 49 152 byte-level BPE tokens): the trie walk allows
/// exactly the tokens a byte-by-byte check of each token allows, at states inside and between values.
@Suite("SmolLM2 grammar masks")
struct SmolLM2GrammarTests {
    @Test func trieMasksMatchTokenByTokenChecks() throws {
        let file = try GGUFFile(contentsOfFile: TestEnvironment.smolLM2().path)
        let tokenizer = Tokenizer(vocabulary: try TokenVocabulary(file: file))
        let schema = try JSONValue.parse(
            Array(#"{"properties":{"name":{"type":"string"},"n":{"type":"integer"}},"required":["name","n"]}"#.utf8))
        let constraint = GrammarConstraint(
            grammar: try JSONSchemaCompiler.compile(schema), trie: TokenTrie(tokenizer: tokenizer),
            endOfGeneration: Generator.endOfGenerationTokens(tokenizer.vocabulary))
        for prefix in ["", #"{"#, #"{"name":"Al"#, #"{"name":"Al","n":4"#] {
            var state = JSONGrammarState()
            let fed = state.feed(Array(prefix.utf8), in: constraint.grammar)
            #expect(fed)
            let mask = constraint.allowedTokens(after: state)
            var allowed = 0
            for token in 0..<tokenizer.vocabulary.count {
                let id = TokenID(token)
                #expect(mask.contains(id) == constraint.allows(id, after: state), "token \(token) after \(prefix)")
                if mask.contains(id) { allowed += 1 }
            }
            #expect(allowed > 0, "after \(prefix)")
        }
    }
}
