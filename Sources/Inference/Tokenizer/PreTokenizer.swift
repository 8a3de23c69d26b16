/// How byte-level BPE splits text into words before merging (GGUF `tokenizer.ggml.pre`), following llama.cpp's
/// hand-written forms of the Hugging Face regular expressions.
public enum PreTokenizer: Sendable, Equatable {
    /// GPT-2: `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`.
    case gpt2
    /// Every digit on its own (`\p{N}`), then GPT-2's split (SmolLM, StarCoder, Refact, Command-R, ...).
    case digitsThenGPT2

    /// The splitter llama.cpp uses for a `tokenizer.ggml.pre` name, when it is one of these.
    init?(ggufName: String) {
        switch ggufName {
        case "gpt2", "mpt", "olmo", "jais": self = .gpt2
        case "smollm", "starcoder", "refact", "command-r", "codeshell", "exaone", "minerva": self = .digitsThenGPT2
        default: return nil
        }
    }

    /// The words of `text`, as ranges of its Unicode scalars, in order, covering all of it.
    func words(_ scalars: [Unicode.Scalar]) -> [Range<Int>] {
        switch self {
        case .gpt2:
            return Self.gpt2Words(scalars, in: 0..<scalars.count)
        case .digitsThenGPT2:
            return Self.splitDigits(scalars).flatMap { Self.gpt2Words(scalars, in: $0) }
        }
    }

    /// `\p{N}`: each number scalar alone, the text between them as it is.
    private static func splitDigits(_ scalars: [Unicode.Scalar]) -> [Range<Int>] {
        var pieces: [Range<Int>] = []
        var start = 0
        for (index, scalar) in scalars.enumerated() where ScalarClass(scalar).isNumber {
            if start < index { pieces.append(start..<index) }
            pieces.append(index..<index + 1)
            start = index + 1
        }
        if start < scalars.count { pieces.append(start..<scalars.count) }
        return pieces
    }

    /// GPT-2's split of `scalars[range]`; lookahead stops at the end of the range.
    private static func gpt2Words(_ scalars: [Unicode.Scalar], in range: Range<Int>) -> [Range<Int>] {
        var words: [Range<Int>] = []
        var position = range.lowerBound
        func scalarClass(_ index: Int) -> ScalarClass? { index < range.upperBound ? ScalarClass(scalars[index]) : nil }
        while position < range.upperBound {
            let start = position
            position = gpt2WordEnd(scalars, from: position, end: range.upperBound, scalarClass: scalarClass)
            words.append(start..<position)
        }
        return words
    }

    private static func gpt2WordEnd(
        _ scalars: [Unicode.Scalar], from position: Int, end: Int, scalarClass: (Int) -> ScalarClass?
    ) -> Int {
        if let contraction = contractionEnd(scalars, from: position, end: end) { return contraction }
        let leadingSpace = scalars[position] == " " ? 1 : 0
        // ` ?\p{L}+`, ` ?\p{N}+`, ` ?[^\s\p{L}\p{N}]+`: the optional space, then a run of one class.
        if let first = scalarClass(position + leadingSpace), let run = WordRun(startingWith: first) {
            var index = position + leadingSpace
            while let next = scalarClass(index), run.continues(with: next) { index += 1 }
            return index
        }
        var whitespace = 0
        while let next = scalarClass(position + whitespace), next.isWhitespace { whitespace += 1 }
        // `\s+(?!\S)`: a run followed by more text leaves its last space to the next word.
        if whitespace > 1 && position + whitespace < end { return position + whitespace - 1 }
        return position + max(whitespace, 1)
    }

    /// `'s|'t|'re|'ve|'m|'ll|'d` (lower case only, as in GPT-2).
    private static func contractionEnd(_ scalars: [Unicode.Scalar], from position: Int, end: Int) -> Int? {
        guard scalars[position] == "'", position + 1 < end else { return nil }
        let next = scalars[position + 1]
        if next == "s" || next == "t" || next == "m" || next == "d" { return position + 2 }
        guard position + 2 < end else { return nil }
        let pair = (next, scalars[position + 2])
        if pair == ("r", "e") || pair == ("v", "e") || pair == ("l", "l") { return position + 3 }
        return nil
    }
}

/// The kind of run a GPT-2 word is made of, from its first scalar; `nil` for whitespace.
private enum WordRun {
    case letters, numbers, other

    init?(startingWith first: ScalarClass) {
        if first.isLetter {
            self = .letters
        } else if first.isNumber {
            self = .numbers
        } else if first.isWhitespace {
            return nil
        } else {
            self = .other
        }
    }

    func continues(with next: ScalarClass) -> Bool {
        switch self {
        case .letters: next.isLetter
        case .numbers: next.isNumber
        case .other: !next.isWhitespace && !next.isLetter && !next.isNumber
        }
    }
}

/// The Unicode classes the pre-tokenizers' patterns ask about.
struct ScalarClass {
    let isLetter: Bool
    let isNumber: Bool
    let isWhitespace: Bool

    init(_ scalar: Unicode.Scalar) {
        if scalar.isASCII {
            let value = scalar.value
            isLetter = (value | 0x20) >= 0x61 && (value | 0x20) <= 0x7A
            isNumber = value >= 0x30 && value <= 0x39
            isWhitespace = value == 0x20 || (value >= 0x09 && value <= 0x0D)
            return
        }
        let properties = scalar.properties
        switch properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter:
            (isLetter, isNumber) = (true, false)
        case .decimalNumber, .letterNumber, .otherNumber:
            (isLetter, isNumber) = (false, true)
        default:
            (isLetter, isNumber) = (false, false)
        }
        isWhitespace = properties.isWhitespace
    }
}
