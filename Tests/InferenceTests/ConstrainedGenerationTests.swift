import JSON
import Testing

@testable import Inference

/// The generator under a grammar, on the acceptance suite's tiny random llama (whose unconstrained text is
/// nonsense): sampled answers are whole values of the schema, every token carries logprobs when asked.
@Suite struct ConstrainedGenerationTests {
    static let schema = #"""
        {"type":"object","properties":{"mood":{"enum":["happy","sad"]},"n":{"type":"integer"},
         "ok":{"type":"boolean"},"list":{"type":"array","items":{"type":"null"},"maxItems":2}},
         "required":["mood","n","ok","list"],"additionalProperties":false}
        """#

    @Test(arguments: [0, 1, 2, 3] as [UInt64])
    func sampledAnswersAreWholeValuesOfTheSchema(seed: UInt64) throws {
        let (model, tokenizer, _) = try TinyModel.shared.get()
        let grammar = try JSONGrammarTests.grammar(Self.schema)
        let constraint = GrammarConstraint(
            grammar: grammar, trie: TokenTrie(tokenizer: tokenizer),
            endOfGeneration: Generator.endOfGenerationTokens(tokenizer.vocabulary))
        var sampling = SamplingParameters()
        sampling.seed = seed
        sampling.temperature = 1.5
        let parameters = GenerationParameters(
            sampling: sampling, maxTokens: 400, constraint: constraint, topLogprobs: 2)
        let session = InferenceSession(model: model, contextLength: 512, pool: ThreadPool(threadCount: 2))
        var streamed: [GeneratedToken] = []
        let result = try Generator(session: session, tokenizer: tokenizer).generate(
            prompt: tokenizer.encode("hello"), parameters: parameters
        ) { token in
            streamed.append(token)
            return true
        }
        #expect(result.finishReason == .stop, "\(result.text)")
        #expect(JSONGrammarTests.accepts(grammar, result.text), "\(result.text)")
        let value = try JSONValue.parse(Array(result.text.utf8))
        #expect(value["mood"]?.stringValue == "happy" || value["mood"]?.stringValue == "sad")
        #expect(streamed.allSatisfy { $0.logprobs?.top.count == 2 && $0.logprobs!.logprob <= 0 })
        #expect(streamed.count == result.tokens.count)
    }
}
