extension Tokenizer {
    /// Byte-level BPE of one pre-tokenized word: its UTF-8 bytes as mapped characters, merged by rank.
    func appendBytePairTokens(ofWord word: some Sequence<UInt8>, to output: inout [TokenID]) {
        var chain = SymbolChain(ByteLevelMapping.encode(word))
        chain.mergeAll { chain, left, right in
            vocabulary.mergeRanks[chain.text(left) + " " + chain.text(right)].map(Float.init)
        }
        for symbol in chain.symbols {
            let text = chain.text(symbol)
            if let id = vocabulary.idsByText[text] {
                output.append(id)
            } else {
                // As llama.cpp: fall back to single-character tokens for the symbol's ASCII bytes.
                for byte in text.utf8 where byte < 0x80 {
                    if let id = vocabulary.idsByText[String(Unicode.Scalar(byte))] { output.append(id) }
                }
            }
        }
    }

    /// SentencePiece of one text run (spaces already `▁`): scalars merged by the score of the merged token, then
    /// bytes of whatever is not a token as byte-fallback tokens.
    func appendSentencePieceTokens(of text: String, to output: inout [TokenID]) {
        var chain = SymbolChain(Array(text.unicodeScalars))
        chain.mergeAll { chain, left, right in
            // Higher scores merge first: the queue takes the lowest priority.
            vocabulary.idsByText[chain.text(left) + chain.text(right)].map { -vocabulary.scores[Int($0)] }
        }
        for symbol in chain.symbols {
            let text = chain.text(symbol)
            if let id = vocabulary.idsByText[text] {
                output.append(id)
                continue
            }
            for byte in text.utf8 {
                if let id = vocabulary.byteTokens[Int(byte)] ?? vocabulary.unknown { output.append(id) }
            }
        }
    }
}
