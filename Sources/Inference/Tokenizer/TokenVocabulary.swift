/// A token's id in a model's vocabulary (llama.cpp's `llama_token`).
public typealias TokenID = Int32

/// What kind of token an id is (GGUF `tokenizer.ggml.token_type`).
public enum TokenKind: Int32, Sendable {
    case normal = 1
    case unknown = 2
    /// BOS, EOS, ChatML's `<|im_start|>`: never produced from plain text unless special tokens are parsed.
    case control = 3
    /// Added to the vocabulary by hand; matched in any text as is.
    case userDefined = 4
    case unused = 5
    /// SentencePiece byte fallback, `<0x41>`.
    case byte = 6
}

/// How text becomes tokens: the algorithm and, for byte-level BPE, how text is split into words first.
public enum TokenizerModel: Sendable, Equatable {
    /// SentencePiece (`tokenizer.ggml.model = "llama"`): merges by score, `▁` for spaces, byte fallback.
    case sentencePiece
    /// GPT-2 byte-level BPE (`"gpt2"`): merges by rank over a pre-tokenizer's words.
    case bytePairEncoding(PreTokenizer)
}

/// Why a vocabulary cannot be used.
public enum TokenizerError: Error, Sendable, Equatable {
    /// `tokenizer.ggml.model` (or its pre-tokenizer) is not one this engine implements.
    case unsupportedModel(String)
    /// The token, score, type or merge lists do not fit together (message says how).
    case inconsistentVocabulary(String)
    /// A special token id (BOS, EOS, ...) is outside the vocabulary.
    case specialTokenOutOfRange(name: String, id: Int64)
}

/// A model's vocabulary as GGUF stores it (`tokenizer.ggml.*`), indexed for tokenizing.
public struct TokenVocabulary: Sendable {
    public let model: TokenizerModel
    /// Each token's text, as stored (byte-level BPE tokens in GPT-2's byte-to-character mapping).
    public let texts: [String]
    public let kinds: [TokenKind]
    /// SentencePiece merge scores (higher merges first); empty for BPE.
    let scores: [Float]
    let idsByText: [String: TokenID]
    /// BPE merge ranks keyed by the merge's own text, `"left right"`.
    let mergeRanks: [String: Int32]
    /// SentencePiece byte fallback tokens, `<0x00>` ... `<0xFF>`, by byte value (when the vocabulary has them).
    let byteTokens: [TokenID?]
    /// Tokens matched verbatim in text before the model's own splitting, longest first.
    let specialTokens: [(text: [UInt8], id: TokenID, kind: TokenKind)]

    public let beginOfSequence: TokenID?
    public let endOfSequence: TokenID?
    public let unknown: TokenID?
    /// Whether `encode(_:addSpecial: true)` starts with BOS / ends with EOS.
    public let addsBeginOfSequence: Bool
    public let addsEndOfSequence: Bool
    /// SentencePiece: whether a space is put in front of the text (`tokenizer.ggml.add_space_prefix`).
    public let addsSpacePrefix: Bool

    /// Special token ids and flags; `nil` ids are absent.
    public struct Specials: Sendable {
        public var beginOfSequence: TokenID?
        public var endOfSequence: TokenID?
        public var unknown: TokenID?
        public var addsBeginOfSequence: Bool?
        public var addsEndOfSequence: Bool?
        public var addsSpacePrefix: Bool?

        public init(
            beginOfSequence: TokenID? = nil, endOfSequence: TokenID? = nil, unknown: TokenID? = nil,
            addsBeginOfSequence: Bool? = nil, addsEndOfSequence: Bool? = nil, addsSpacePrefix: Bool? = nil
        ) {
            self.beginOfSequence = beginOfSequence
            self.endOfSequence = endOfSequence
            self.unknown = unknown
            self.addsBeginOfSequence = addsBeginOfSequence
            self.addsEndOfSequence = addsEndOfSequence
            self.addsSpacePrefix = addsSpacePrefix
        }
    }

    /// A vocabulary from GGUF's tokenizer fields: `modelName` is `tokenizer.ggml.model`, `preTokenizer`
    /// `tokenizer.ggml.pre`. Missing scores or kinds default to 0 and `.normal`; flags default as llama.cpp's do.
    public init(
        modelName: String, preTokenizer: String? = nil, texts: [String], scores: [Float] = [],
        kinds: [TokenKind] = [], merges: [String] = [], specials: Specials = Specials()
    ) throws(TokenizerError) {
        model = try Self.model(named: modelName, preTokenizer: preTokenizer)
        guard !texts.isEmpty, texts.count <= Int(Int32.max) else {
            throw .inconsistentVocabulary("\(texts.count) tokens")
        }
        guard scores.isEmpty || scores.count == texts.count, kinds.isEmpty || kinds.count == texts.count else {
            throw .inconsistentVocabulary(
                "\(texts.count) tokens but \(scores.count) scores and \(kinds.count) token types")
        }
        self.texts = texts
        self.scores = scores.isEmpty && model == .sentencePiece ? Array(repeating: 0, count: texts.count) : scores
        self.kinds = kinds.isEmpty ? Array(repeating: .normal, count: texts.count) : kinds
        idsByText = Self.index(texts)
        mergeRanks = try Self.ranks(of: merges, for: model)
        byteTokens = Self.byteFallbackTokens(idsByText: idsByText)
        specialTokens = Self.verbatimTokens(texts: texts, kinds: self.kinds)
        for (name, id) in [
            ("bos", specials.beginOfSequence), ("eos", specials.endOfSequence), ("unk", specials.unknown),
        ] {
            if let id, id < 0 || Int(id) >= texts.count {
                throw .specialTokenOutOfRange(name: name, id: Int64(id))
            }
        }
        beginOfSequence = specials.beginOfSequence
        endOfSequence = specials.endOfSequence
        unknown = specials.unknown
        let isSentencePiece = model == .sentencePiece
        addsBeginOfSequence = (specials.addsBeginOfSequence ?? isSentencePiece) && beginOfSequence != nil
        addsEndOfSequence = (specials.addsEndOfSequence ?? false) && endOfSequence != nil
        addsSpacePrefix = specials.addsSpacePrefix ?? isSentencePiece
    }

    /// The number of tokens.
    public var count: Int { texts.count }

    /// The id of the token whose stored text is exactly `text`.
    public func id(ofText text: String) -> TokenID? { idsByText[text] }

    private static func model(named name: String, preTokenizer: String?) throws(TokenizerError) -> TokenizerModel {
        switch name {
        case "llama": return .sentencePiece
        case "gpt2":
            guard let split = PreTokenizer(ggufName: preTokenizer ?? "default") else {
                throw .unsupportedModel("gpt2 with pre-tokenizer '\(preTokenizer ?? "")'")
            }
            return .bytePairEncoding(split)
        default: throw .unsupportedModel(name)
        }
    }

    /// Text to id; when a text repeats, the lowest id wins (as in llama.cpp).
    private static func index(_ texts: [String]) -> [String: TokenID] {
        var ids: [String: TokenID] = [:]
        ids.reserveCapacity(texts.count)
        for (id, text) in texts.enumerated() where ids[text] == nil { ids[text] = TokenID(id) }
        return ids
    }

    private static func ranks(of merges: [String], for model: TokenizerModel) throws(TokenizerError) -> [String: Int32]
    {
        guard case .bytePairEncoding = model else { return [:] }
        guard !merges.isEmpty else { throw .inconsistentVocabulary("a BPE vocabulary without merges") }
        var ranks: [String: Int32] = [:]
        ranks.reserveCapacity(merges.count)
        for (rank, merge) in merges.enumerated() {
            let halves = merge.utf8.split(separator: UInt8(ascii: " "), maxSplits: 1, omittingEmptySubsequences: false)
            guard halves.count == 2, !halves[0].isEmpty, !halves[1].isEmpty else {
                throw .inconsistentVocabulary("merge \(rank) '\(merge)' is not 'left right'")
            }
            if ranks[merge] == nil { ranks[merge] = Int32(rank) }
        }
        return ranks
    }

    private static func byteFallbackTokens(idsByText: [String: TokenID]) -> [TokenID?] {
        let hex = Array("0123456789ABCDEF")
        return (0..<256).map { byte in idsByText["<0x\(hex[byte >> 4])\(hex[byte & 15])>"] }
    }

    private static func verbatimTokens(texts: [String], kinds: [TokenKind]) -> [(
        text: [UInt8], id: TokenID, kind: TokenKind
    )] {
        let matched: Set<TokenKind> = [.control, .userDefined, .unknown]
        return texts.indices
            .filter { matched.contains(kinds[$0]) && !texts[$0].isEmpty }
            .map { (text: Array(texts[$0].utf8), id: TokenID($0), kind: kinds[$0]) }
            .sorted { $0.text.count > $1.text.count || ($0.text.count == $1.text.count && $0.id < $1.id) }
    }
}
