extension Tokenizer {
    /// Byte-level BPE of one pre-tokenized word: its UTF-8 bytes as mapped characters, merged by rank.
    func appendBytePairTokens(ofWord word: some Sequence<UInt8>, to output: inout [TokenID]) {
        var chain = SymbolChain(ByteLevelMapping.encode(word))
        var queue = MergeQueue()
        func enqueue(_ left: Int, _ right: Int) {
            guard left >= 0, right >= 0 else { return }
            let key = chain.text(left) + " " + chain.text(right)
            guard let rank = vocabulary.mergeRanks[key] else { return }
            queue.push(
                MergeCandidate(
                    priority: Float(rank), left: left, right: right, length: chain.lengths[left] + chain.lengths[right]
                ))
        }
        for symbol in chain.symbols { enqueue(chain.previous[symbol], symbol) }
        while let candidate = queue.pop() {
            guard chain.isCurrent(candidate) else { continue }
            chain.merge(candidate.left, candidate.right)
            enqueue(chain.previous[candidate.left], candidate.left)
            enqueue(candidate.left, chain.nexts[candidate.left])
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
        var queue = MergeQueue()
        func enqueue(_ left: Int, _ right: Int) {
            guard left >= 0, right >= 0, let id = vocabulary.idsByText[chain.text(left) + chain.text(right)] else {
                return
            }
            queue.push(
                MergeCandidate(
                    priority: -vocabulary.scores[Int(id)], left: left, right: right,
                    length: chain.lengths[left] + chain.lengths[right]))
        }
        for symbol in chain.symbols { enqueue(chain.previous[symbol], symbol) }
        while let candidate = queue.pop() {
            guard chain.isCurrent(candidate) else { continue }
            chain.merge(candidate.left, candidate.right)
            enqueue(chain.previous[candidate.left], candidate.left)
            enqueue(candidate.left, chain.nexts[candidate.left])
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
