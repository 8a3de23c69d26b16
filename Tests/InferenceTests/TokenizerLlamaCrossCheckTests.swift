import Foundation
import TestSupport
import Testing

@testable import Inference

/// Our tokenizers against llama.cpp's (llama-cpp-python, which `scripts/python-env` installs) on the same
/// vocabularies: SmolLM2's byte-level BPE and the acceptance suite's tiny SentencePiece model.
@Suite struct TokenizerLlamaCrossCheckTests {
    static let texts: [String] = [
        "", " ", "Hello world", "The capital of France is", "  leading and trailing  ", "a\n\nb\n\n\n\tc",
        "don't won't I'LL we're they've she'd it's", "12345 3.14159 1,000,000 0x1F 2026-11-28",
        "func add(_ a: Int, _ b: Int) -> Int { return a + b }  // sum", "if x == 1:\n    print(\"hi\")\n",
        "émoji 😀🎉👩‍👩‍👧 done", "中文分词测试，日本語のテキスト", "Ελληνικά и русский текст", "مرحبا بالعالم",
        "e\u{301} combining", "tabs\tand\u{00A0}nbsp\u{2003}em", "<|im_start|>user\nhi<|im_end|>\n",
        "<|endoftext|> inside text", String(repeating: "supercalifragilistic", count: 20), "!!!???...,,,;;;",
        "   \n   ", "ALLCAPS lowercase MiXeD", "$100 & 50% off #hashtag @user",
    ]

    @Test func smolLM2BytePairEncodingMatchesLlamaCpp() async throws {
        try await compare(model: TestEnvironment.smolLM2())
    }

    @Test func sentencePieceMatchesLlamaCpp() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tok-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let model = directory.appendingPathComponent("tiny.gguf")
        _ = try await TestEnvironment.runPython(["Tests/acceptance/tiny_gguf.py", model.path])
        try await compare(model: model)
    }

    private func compare(model: URL) async throws {
        let input = try JSONSerialization.data(withJSONObject: Self.texts)
        let output = try await TestEnvironment.runPython(
            ["Tests/InferenceTests/Fixtures/llama_tokenize.py", model.path], stdin: input)
        let answer = try #require(try JSONSerialization.jsonObject(with: output) as? [String: Any])
        let tokenizer = Tokenizer(
            vocabulary: try vocabulary(from: try #require(answer["vocabulary"] as? [String: Any])))
        let cases = try #require(answer["cases"] as? [[String: Any]])
        #expect(cases.count == Self.texts.count)
        for entry in cases {
            let text = try #require(entry["text"] as? String)
            let expected = try #require(entry["ids"] as? [Int]).map(TokenID.init)
            let expectedSpecial = try #require(entry["special_ids"] as? [Int]).map(TokenID.init)
            #expect(tokenizer.encode(text) == expected, "text: \(text.debugDescription)")
            #expect(
                tokenizer.encode(text, addSpecial: false, parseSpecial: true) == expectedSpecial,
                "text with special tokens: \(text.debugDescription)")
        }
        let pieces = try #require(answer["pieces"] as? [String: [Int]])
        for (id, bytes) in pieces {
            #expect(tokenizer.piece(for: try #require(TokenID(id))) == bytes.map(UInt8.init), "piece of \(id)")
        }
    }

    /// The vocabulary as our own types, from the GGUF fields the script read with PyPI's gguf.
    private func vocabulary(from fields: [String: Any]) throws -> TokenVocabulary {
        let texts = try #require(fields["tokens"] as? [String])
        let kinds = try #require(fields["token_type"] as? [Int]).map { TokenKind(rawValue: Int32($0)) ?? .normal }
        let id = { (name: String) in (fields[name] as? Int).map(TokenID.init) }
        return try TokenVocabulary(
            modelName: try #require(fields["model"] as? String), preTokenizer: fields["pre"] as? String,
            texts: texts, scores: (fields["scores"] as? [Double])?.map(Float.init) ?? [], kinds: kinds,
            merges: fields["merges"] as? [String] ?? [],
            specials: .init(
                beginOfSequence: id("bos_token_id"), endOfSequence: id("eos_token_id"), unknown: id("unknown_token_id"),
                addsBeginOfSequence: fields["add_bos_token"] as? Bool,
                addsEndOfSequence: fields["add_eos_token"] as? Bool,
                addsSpacePrefix: fields["add_space_prefix"] as? Bool))
    }
}
