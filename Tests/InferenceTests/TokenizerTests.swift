import TestSupport
import Testing

@testable import Inference

/// A byte-level BPE vocabulary over `words`: every single mapped byte, then each merge's result.
private func bytePairVocabulary(merges: [String], extra: [String] = [], kinds: [String: TokenKind] = [:]) throws
    -> TokenVocabulary
{
    let singles = ByteLevelMapping.scalarForByte.map { String($0) }
    let merged = merges.map { $0.split(separator: " ").joined() }
    var texts = extra
    for text in singles + merged where !texts.contains(text) { texts.append(text) }
    return try TokenVocabulary(
        modelName: "gpt2", preTokenizer: "smollm", texts: texts,
        kinds: texts.map { kinds[$0] ?? .normal }, merges: merges)
}

@Suite struct ByteLevelMappingTests {
    @Test func spaceAndNewlineMapToGPT2Characters() {
        #expect(ByteLevelMapping.encode(Array(" \n!".utf8)) == ["\u{0120}", "\u{010A}", "!"])
    }

    @Test func everyByteRoundTrips() {
        let bytes = (0...255).map { UInt8($0) }
        let text = String(String.UnicodeScalarView(ByteLevelMapping.encode(bytes)))
        #expect(ByteLevelMapping.decode(text) == bytes)
        #expect(Set(ByteLevelMapping.scalarForByte).count == 256)
    }
}

@Suite struct PreTokenizerTests {
    private func words(_ text: String, _ split: PreTokenizer) -> [String] {
        let scalars = Array(text.unicodeScalars)
        return split.words(scalars).map { String(String.UnicodeScalarView(scalars[$0])) }
    }

    @Test func gpt2SplitsContractionsLettersNumbersAndSpaces() {
        #expect(
            words("Hello world 12345 don't  x", .gpt2) == ["Hello", " world", " 12345", " don", "'t", " ", " x"])
        #expect(words("  spaces\n\n\ttabs", .gpt2) == [" ", " spaces", "\n\n", "\t", "tabs"])
        #expect(words("we're I'LL it's", .gpt2) == ["we", "'re", " I", "'", "LL", " it", "'s"])
        #expect(words("a!!  ?b  ", .gpt2) == ["a", "!!", " ", " ?", "b", "  "])
    }

    @Test func smollmSplitsEveryDigitFirst() {
        #expect(
            words("Hello world 12345 don't  x", .digitsThenGPT2)
                == ["Hello", " world", " ", "1", "2", "3", "4", "5", " don", "'t", " ", " x"])
        #expect(words("x²³ ٣4", .digitsThenGPT2) == ["x", "²", "³", " ", "٣", "4"])
    }

    @Test func nonLatinLettersAndSymbolsAreClassified() {
        #expect(words("中文 émoji 😀😀 ok", .gpt2) == ["中文", " émoji", " 😀😀", " ok"])
    }

    @Test func wordsCoverTheTextExactly() {
        var generator = SplitMix64(seed: 3)
        let alphabet = Array("ab 1'\n\t!é中😀 ".unicodeScalars)
        for _ in 0..<200 {
            let scalars = (0..<Int.random(in: 0...30, using: &generator)).map { _ in
                alphabet.randomElement(using: &generator)!
            }
            for split in [PreTokenizer.gpt2, .digitsThenGPT2] {
                let ranges = split.words(scalars)
                #expect(ranges.allSatisfy { !$0.isEmpty })
                #expect(ranges.map(\.count).reduce(0, +) == scalars.count)
                #expect(zip(ranges, ranges.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound })
            }
        }
    }
}

@Suite struct BytePairTokenizerTests {
    @Test func mergesApplyByRankNotByLength() throws {
        // "ab" outranks "bc": "abc" is ab + c, never a + bc.
        let vocabulary = try bytePairVocabulary(merges: ["a b", "b c", "ab c"])
        let tokenizer = Tokenizer(vocabulary: vocabulary)
        let abc = try #require(vocabulary.id(ofText: "abc"))
        #expect(tokenizer.encode("abc") == [abc])
        let bc = try #require(vocabulary.id(ofText: "bc"))
        let a = try #require(vocabulary.id(ofText: "a"))
        #expect(tokenizer.encode("a bc") == [a, try #require(vocabulary.id(ofText: "\u{0120}")), bc])
    }

    @Test func spaceGoesWithTheFollowingWord() throws {
        let vocabulary = try bytePairVocabulary(merges: ["\u{0120} h", "\u{0120}h i", "h i"])
        let tokenizer = Tokenizer(vocabulary: vocabulary)
        let hi = try #require(vocabulary.id(ofText: "hi"))
        let spaceHi = try #require(vocabulary.id(ofText: "\u{0120}hi"))
        #expect(tokenizer.encode("hi hi") == [hi, spaceHi])
        #expect(tokenizer.decode([hi, spaceHi]) == "hi hi")
    }

    @Test func multiByteCharactersRoundTrip() throws {
        let tokenizer = Tokenizer(vocabulary: try bytePairVocabulary(merges: ["a b"]))
        for text in ["é中😀 ab\n\t x", "", " ", "\u{0}\u{7F}"] {
            #expect(tokenizer.decode(tokenizer.encode(text)) == text)
        }
    }

    @Test func controlTokensAreParsedOnlyWhenAsked() throws {
        let vocabulary = try bytePairVocabulary(
            merges: ["a b"], extra: ["<|end|>", "<tool>"], kinds: ["<|end|>": .control, "<tool>": .userDefined])
        let tokenizer = Tokenizer(vocabulary: vocabulary)
        let end = try #require(vocabulary.id(ofText: "<|end|>"))
        let tool = try #require(vocabulary.id(ofText: "<tool>"))
        #expect(tokenizer.encode("ab<|end|>", parseSpecial: true).last == end)
        #expect(!tokenizer.encode("ab<|end|>").contains(end))
        #expect(tokenizer.encode("<tool>ab").first == tool)  // user-defined: always
        #expect(tokenizer.piece(for: end).isEmpty)
        #expect(tokenizer.piece(for: end, renderSpecial: true) == Array("<|end|>".utf8))
    }
}

@Suite struct SentencePieceTokenizerTests {
    private func vocabulary(addsSpacePrefix: Bool = true) throws -> TokenVocabulary {
        let hex = Array("0123456789ABCDEF")
        let bytes = (0..<256).map { "<0x\(hex[$0 >> 4])\(hex[$0 & 15])>" }
        let pieces = ["\u{2581}", "h", "e", "l", "o", "\u{2581}h", "he", "ll", "\u{2581}he", "llo", "\u{2581}hello"]
        let texts = ["<unk>", "<s>", "</s>"] + bytes + pieces
        let kinds: [TokenKind] =
            [.unknown, .control, .control] + bytes.map { _ in .byte } + pieces.map { _ in .normal }
        // Longer pieces score higher, so they win merges.
        let scores: [Float] = texts.map { Float($0.unicodeScalars.count) }
        return try TokenVocabulary(
            modelName: "llama", texts: texts, scores: scores, kinds: kinds,
            specials: .init(beginOfSequence: 1, endOfSequence: 2, unknown: 0, addsSpacePrefix: addsSpacePrefix))
    }

    @Test func mergesByScoreWithSpacePrefixAndBOS() throws {
        let vocabulary = try vocabulary()
        let tokenizer = Tokenizer(vocabulary: vocabulary)
        let hello = try #require(vocabulary.id(ofText: "\u{2581}hello"))
        #expect(tokenizer.encode("hello") == [1, hello])
        #expect(tokenizer.encode("hello", addSpecial: false) == [hello])
        #expect(tokenizer.encode("hello hello", addSpecial: false) == [hello, hello])
    }

    @Test func unknownCharactersFallBackToByteTokens() throws {
        let tokenizer = Tokenizer(vocabulary: try vocabulary())
        // "é" is C3 A9: two byte tokens, which decode back to the character.
        let ids = tokenizer.encode("é", addSpecial: false)
        #expect(ids.count == 3)  // ▁, <0xC3>, <0xA9>
        #expect(tokenizer.decode(ids) == " é")
        #expect(tokenizer.piece(for: ids[1]) == [0xC3])
    }

    @Test func withoutSpacePrefix() throws {
        let vocabulary = try vocabulary(addsSpacePrefix: false)
        let tokenizer = Tokenizer(vocabulary: vocabulary)
        let he = try #require(vocabulary.id(ofText: "he"))
        let llo = try #require(vocabulary.id(ofText: "llo"))
        #expect(tokenizer.encode("hello", addSpecial: false) == [he, llo])
    }
}

@Suite struct TokenVocabularyValidationTests {
    @Test func unsupportedModelsAndPreTokenizersAreTypedErrors() {
        #expect(throws: TokenizerError.unsupportedModel("bert")) {
            try TokenVocabulary(modelName: "bert", texts: ["a"])
        }
        #expect(throws: TokenizerError.unsupportedModel("gpt2 with pre-tokenizer 'qwen2'")) {
            try TokenVocabulary(modelName: "gpt2", preTokenizer: "qwen2", texts: ["a"], merges: ["a a"])
        }
    }

    @Test func inconsistentListsAreRejected() {
        #expect(throws: TokenizerError.self) { try TokenVocabulary(modelName: "llama", texts: []) }
        #expect(throws: TokenizerError.self) {
            try TokenVocabulary(modelName: "llama", texts: ["a", "b"], scores: [1])
        }
        #expect(throws: TokenizerError.self) {
            try TokenVocabulary(modelName: "gpt2", preTokenizer: "gpt2", texts: ["a"], merges: ["nospace"])
        }
        #expect(throws: TokenizerError.specialTokenOutOfRange(name: "eos", id: 5)) {
            try TokenVocabulary(modelName: "llama", texts: ["a"], specials: .init(endOfSequence: 5))
        }
    }
}

@Suite struct UTF8StreamDecoderTests {
    @Test func charactersSplitAcrossPiecesComeOutWhole() {
        var decoder = UTF8StreamDecoder()
        let text = "aé中😀"
        let bytes = Array(text.utf8)
        var out = ""
        var emittedPartial = false
        for byte in bytes {
            let chunk = decoder.append([byte])
            emittedPartial = emittedPartial || chunk.unicodeScalars.contains("\u{FFFD}")
            out += chunk
        }
        out += decoder.finish()
        #expect(out == text)
        #expect(!emittedPartial)
    }

    @Test func invalidBytesBecomeReplacementCharacters() {
        var decoder = UTF8StreamDecoder()
        #expect(decoder.append([0x61, 0xFF, 0x62]) == "a\u{FFFD}b")
        #expect(decoder.append([0xE4, 0xB8]) == "")
        #expect(decoder.finish() == "\u{FFFD}")
    }
}
