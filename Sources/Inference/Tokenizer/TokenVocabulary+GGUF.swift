extension TokenVocabulary {
    /// The vocabulary in a GGUF file's `tokenizer.ggml.*` fields.
    public init(file: GGUFFile) throws(ModelError) {
        let field = { (name: String) in file.metadata["tokenizer.ggml.\(name)"] }
        guard let model = field("model")?.string, let texts = field("tokens")?.strings else {
            throw .file(.metadata(key: "tokenizer.ggml.model/tokens", expected: "string / array of strings"))
        }
        let kinds = (field("token_type")?.ints ?? []).map { TokenKind(rawValue: Int32(clamping: $0)) ?? .normal }
        let id = { (name: String) in field(name)?.int.map { TokenID(clamping: $0) } }
        do {
            try self.init(
                modelName: model, preTokenizer: field("pre")?.string, texts: texts,
                scores: field("scores")?.floats ?? [],
                kinds: kinds, merges: field("merges")?.strings ?? [],
                specials: Specials(
                    beginOfSequence: id("bos_token_id"), endOfSequence: id("eos_token_id"),
                    unknown: id("unknown_token_id"), addsBeginOfSequence: field("add_bos_token")?.bool,
                    addsEndOfSequence: field("add_eos_token")?.bool, addsSpacePrefix: field("add_space_prefix")?.bool))
        } catch {
            throw .tokenizer(error)
        }
    }
}
