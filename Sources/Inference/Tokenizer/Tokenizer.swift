/// Text to token ids and back for one vocabulary, matching llama.cpp's tokenizers (`llama_tokenize`,
/// `llama_token_to_piece`) for the models it supports.
public struct Tokenizer: Sendable {
    public let vocabulary: TokenVocabulary

    public init(vocabulary: TokenVocabulary) {
        self.vocabulary = vocabulary
    }

    /// The tokens of `text`. `addSpecial` adds BOS/EOS as the vocabulary asks; `parseSpecial` lets control
    /// tokens written in the text (`<|im_start|>`) become those tokens (user-defined tokens always do).
    public func encode(_ text: String, addSpecial: Bool = true, parseSpecial: Bool = false) -> [TokenID] {
        var output: [TokenID] = []
        if addSpecial, vocabulary.addsBeginOfSequence, let bos = vocabulary.beginOfSequence { output.append(bos) }
        var previousWasSpecial = true
        for fragment in fragments(of: text, parseSpecial: parseSpecial) {
            switch fragment {
            case .token(let id):
                output.append(id)
                previousWasSpecial = true
            case .text(let run):
                appendTokens(of: run, afterSpecial: previousWasSpecial, to: &output)
                previousWasSpecial = false
            }
        }
        if addSpecial, vocabulary.addsEndOfSequence, let eos = vocabulary.endOfSequence { output.append(eos) }
        return output
    }

    /// The bytes token `id` stands for (llama.cpp's `token_to_piece`); control tokens are empty unless
    /// `renderSpecial`. Pieces may end inside a UTF-8 sequence: feed them to a `UTF8StreamDecoder`.
    public func piece(for id: TokenID, renderSpecial: Bool = false) -> [UInt8] {
        guard id >= 0, Int(id) < vocabulary.count else { return [] }
        let text = vocabulary.texts[Int(id)]
        switch vocabulary.kinds[Int(id)] {
        case .userDefined:
            return Array(text.utf8)
        case .control, .unused:
            return renderSpecial ? Array(text.utf8) : []
        case .unknown:
            guard vocabulary.model == .sentencePiece else { return renderSpecial ? Array(text.utf8) : [] }
            return Array("\u{2585}".utf8)  // llama.cpp shows an unknown SentencePiece token as ▅
        case .byte where vocabulary.model == .sentencePiece:
            return Self.byteValue(ofByteToken: text).map { [$0] } ?? []
        case .normal, .byte:
            switch vocabulary.model {
            case .sentencePiece: return Array(Self.replacing("\u{2581}", with: " ", in: text).utf8)
            case .bytePairEncoding: return ByteLevelMapping.decode(text)
            }
        }
    }

    /// The text of `ids`, invalid UTF-8 replaced by U+FFFD.
    public func decode(_ ids: [TokenID], renderSpecial: Bool = false) -> String {
        String(decoding: ids.flatMap { piece(for: $0, renderSpecial: renderSpecial) }, as: UTF8.self)
    }

    // MARK: Encoding steps

    private func appendTokens(of run: Substring, afterSpecial: Bool, to output: inout [TokenID]) {
        switch vocabulary.model {
        case .bytePairEncoding(let preTokenizer):
            let scalars = Array(String(run).unicodeScalars)
            for word in preTokenizer.words(scalars) {
                var bytes: [UInt8] = []
                for scalar in scalars[word] { bytes.append(contentsOf: String(scalar).utf8) }
                appendBytePairTokens(ofWord: bytes, to: &output)
            }
        case .sentencePiece:
            let text = (vocabulary.addsSpacePrefix && afterSpecial ? " " : "") + String(run)
            appendSentencePieceTokens(of: Self.replacing(" ", with: "\u{2581}", in: text), to: &output)
        }
    }

    private enum Fragment {
        case text(Substring)
        case token(TokenID)
    }

    /// `text` split at the special tokens written in it, longest token first.
    private func fragments(of text: String, parseSpecial: Bool) -> [Fragment] {
        var fragments: [Fragment] = text.isEmpty ? [] : [.text(Substring(text))]
        for special in vocabulary.specialTokens where parseSpecial || special.kind == .userDefined {
            fragments = fragments.flatMap { fragment -> [Fragment] in
                guard case .text(let run) = fragment else { return [fragment] }
                return Self.split(run, at: special.text, as: special.id)
            }
        }
        return fragments
    }

    private static func split(_ run: Substring, at token: [UInt8], as id: TokenID) -> [Fragment] {
        let bytes = run.utf8
        var pieces: [Fragment] = []
        var start = bytes.startIndex
        var index = bytes.startIndex
        while index < bytes.endIndex {
            if bytes[index] == token[0] && bytes[index...].starts(with: token) {
                if start < index { pieces.append(.text(run[start..<index])) }
                pieces.append(.token(id))
                index = bytes.index(index, offsetBy: token.count)
                start = index
            } else {
                index = bytes.index(after: index)
            }
        }
        if start < bytes.endIndex { pieces.append(.text(run[start...])) }
        return pieces
    }

    /// `text` with every `old` scalar replaced by `new` (SentencePiece's space marker; the standard library's
    /// `replacing(_:with:)` would link the regex runtime).
    private static func replacing(_ old: Unicode.Scalar, with new: Unicode.Scalar, in text: String) -> String {
        var result = String.UnicodeScalarView()
        result.append(contentsOf: text.unicodeScalars.lazy.map { $0 == old ? new : $0 })
        return String(result)
    }

    /// 0x41 for `<0x41>`.
    private static func byteValue(ofByteToken text: String) -> UInt8? {
        let utf8 = Array(text.utf8)
        guard utf8.count == 6, text.hasPrefix("<0x"), text.hasSuffix(">") else { return nil }
        return UInt8(String(decoding: utf8[3..<5], as: UTF8.self), radix: 16)
    }
}
