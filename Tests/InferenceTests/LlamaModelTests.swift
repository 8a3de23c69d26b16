import Foundation
import TestSupport
import Testing

@testable import Inference

/// The forward pass against llama.cpp (llama-cpp-python) on the acceptance suite's tiny random llama (F32). The
/// real SmolLM2 model runs through the release binary in the acceptance suite (a debug build takes minutes).
@Suite struct LlamaModelTests {
    struct Reference {
        let logits: [[Float]]
        let greedy: [TokenID]
    }

    private func reference(model: URL, prompt: [TokenID], generate: Int) async throws -> Reference {
        let request = try JSONSerialization.data(withJSONObject: ["prompt": prompt.map(Int.init), "generate": generate])
        let output = try await TestEnvironment.runPython(
            ["Tests/InferenceTests/Fixtures/llama_reference.py", model.path], stdin: request)
        let answer = try #require(try JSONSerialization.jsonObject(with: output) as? [String: Any])
        let logits = try #require(answer["logits"] as? [[Double]]).map { $0.map(Float.init) }
        let greedy = try #require(answer["greedy"] as? [Int]).map(TokenID.init)
        return Reference(logits: logits, greedy: greedy)
    }

    /// Our logits after each prompt token and our greedy continuation.
    private func run(_ model: LlamaModel, prompt: [TokenID], generate: Int) throws -> Reference {
        let session = InferenceSession(model: model, contextLength: 512, pool: ThreadPool(threadCount: 2))
        var logits: [[Float]] = []
        for token in prompt { logits.append(try #require(try session.evaluate(token))) }
        var greedy: [TokenID] = []
        var last = try #require(logits.last)
        for _ in 0..<generate {
            let next = Sampler.argmax(last)
            greedy.append(next)
            last = try #require(try session.evaluate(next))
        }
        return Reference(logits: logits, greedy: greedy)
    }

    /// The largest absolute difference between two logit vectors, relative to the reference's spread.
    private func relativeError(_ ours: [Float], _ theirs: [Float]) -> Float {
        let spread = (theirs.max() ?? 0) - (theirs.min() ?? 0)
        return zip(ours, theirs).map { abs($0 - $1) }.max()! / max(spread, 1e-6)
    }

    @Test func tinyRandomLlamaMatchesLlamaCpp() async throws {
        let (model, tokenizer, path) = try TinyModel.shared.get()
        let prompt = tokenizer.encode("the router answers a question from the edge")
        let expected = try await reference(model: path, prompt: prompt, generate: 16)
        let ours = try run(model, prompt: prompt, generate: 16)
        for (position, (mine, theirs)) in zip(ours.logits, expected.logits).enumerated() {
            #expect(relativeError(mine, theirs) < 1e-4, "logits after prompt token \(position)")
        }
        #expect(ours.greedy == expected.greedy)
    }

    @Test func aBatchedPromptEqualsTokensOneAtATime() async throws {
        let (model, tokenizer, _) = try TinyModel.shared.get()
        let pool = ThreadPool(threadCount: 2)
        let prompt = tokenizer.encode("the router answers a question from the edge")
        let oneByOne = InferenceSession(model: model, contextLength: 64, pool: pool)
        var last: [Float]?
        for token in prompt { last = try oneByOne.evaluate(token) }
        let batched = InferenceSession(model: model, contextLength: 64, pool: pool)
        #expect(try batched.evaluate(batch: prompt) == last)
        // Both continue the same way from their caches.
        #expect(try batched.evaluate(42) == (try oneByOne.evaluate(42)))
        #expect(batched.position == prompt.count + 1)
        #expect(throws: InferenceSession.Failure.contextFull(contextLength: 4)) {
            try InferenceSession(model: model, contextLength: 4, pool: pool).evaluate(batch: prompt)
        }
    }

    @Test func generatorDecodesGreedilyAndStops() async throws {
        let (model, tokenizer, path) = try TinyModel.shared.get()
        let prompt = tokenizer.encode("hello world")
        let expected = try await reference(model: path, prompt: prompt, generate: 12)
        let pool = ThreadPool(threadCount: 2)
        func generate(_ parameters: GenerationParameters, stopAfter: Int = .max) throws -> GenerationResult {
            let generator = Generator(
                session: InferenceSession(model: model, contextLength: 64, pool: pool), tokenizer: tokenizer)
            var seen = 0
            return try generator.generate(prompt: prompt, parameters: parameters) { _ in
                seen += 1
                return seen < stopAfter
            }
        }
        let greedy = try generate(GenerationParameters(sampling: .greedy, maxTokens: 12))
        #expect(greedy.tokens == expected.greedy)
        #expect(greedy.finishReason == .length)
        #expect(greedy.text == tokenizer.decode(greedy.tokens))
        #expect(greedy.promptTokenCount == prompt.count)

        let cancelled = try generate(GenerationParameters(sampling: .greedy, maxTokens: 12), stopAfter: 3)
        #expect(cancelled.tokens == Array(expected.greedy.prefix(3)) && cancelled.finishReason == .cancelled)

        let stopText = String(greedy.text.dropFirst(greedy.text.count / 2).prefix(3))
        let stopped = try generate(GenerationParameters(sampling: .greedy, maxTokens: 12, stopSequences: [stopText]))
        #expect(stopped.finishReason == .stop)
        #expect(greedy.text.hasPrefix(stopped.text + stopText))

        let full = try Generator(
            session: InferenceSession(model: model, contextLength: prompt.count + 2, pool: pool), tokenizer: tokenizer
        ).generate(prompt: prompt, parameters: GenerationParameters(sampling: .greedy, maxTokens: 12))
        // Two more positions fit after the prompt; the token sampled from the last of them needs none.
        #expect(full.finishReason == .contextFull && full.tokens.count == 3)
    }

    @Test func endOfGenerationTokensIncludeChatTurnMarkers() async throws {
        let vocabulary = try TokenVocabulary(
            modelName: "llama", texts: ["<unk>", "<s>", "</s>", "<|im_end|>", "<|eot_id|>", "x"],
            kinds: [.unknown, .control, .control, .control, .normal, .normal],
            specials: .init(beginOfSequence: 1, endOfSequence: 2))
        #expect(Generator.endOfGenerationTokens(vocabulary) == [2, 3])  // a normal "<|eot_id|>" is plain text
    }

    @Test func unsupportedArchitecturesAndWrongShapesAreTypedErrors() async throws {
        var builder = GGUFBuilder(tensorCount: 0, keyCount: 1)
        builder.keyString("general.architecture", "bert")
        let bert = try GGUFFile(bytes: MappedBytes(copying: builder.bytes))
        #expect(throws: ModelError.unsupportedArchitecture("bert")) { try LlamaModel(file: bert) }

        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("llama-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("bad.gguf")
        // The tiny model with its feed-forward width declared wrong: ffn_gate no longer fits.
        _ = try await TestEnvironment.runPython(
            [
                "-c",
                "import sys; sys.path.insert(0, 'Tests/acceptance'); import tiny_gguf; tiny_gguf.N_FF = 128; "
                    + "import gguf; real = gguf.GGUFWriter.add_feed_forward_length; "
                    + "gguf.GGUFWriter.add_feed_forward_length = lambda self, n: real(self, 96); "
                    + "tiny_gguf.write_tiny_llama(sys.argv[1])", path.path,
            ])
        #expect(
            throws: ModelError.shapeMismatch(tensor: "blk.0.ffn_gate.weight", expected: [64, 96], found: [64, 128])
        ) {
            try LlamaModel(contentsOfFile: path.path)
        }
        #expect(throws: ModelError.file(.unreadable(.open(errno: 2)))) {
            try LlamaModel(contentsOfFile: directory.appendingPathComponent("missing.gguf").path)
        }
    }
}

/// The acceptance suite's tiny random llama, written once per test run.
enum TinyModel {
    static let shared: Result<(LlamaModel, Tokenizer, URL), any Error> = Result {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tiny-llama-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("tiny.gguf")
        _ = try TestPython.runBlocking(["Tests/acceptance/tiny_gguf.py", path.path])
        let model = try LlamaModel(contentsOfFile: path.path)
        return (model, Tokenizer(vocabulary: try TokenVocabulary(file: model.file)), path)
    }
}
