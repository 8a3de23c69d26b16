/// Strings, numbers and literals: the values that hold no other values.
extension JSONGrammarState {
    mutating func startString(_ byte: UInt8) -> Bool {
        guard byte == UInt8(ascii: "\"") else { return false }
        frames.append(.string(.text))
        return true
    }

    /// A JSON string's body after its opening quote: no raw control characters, valid escapes, UTF-8 sequences
    /// of the right length (the detokenizer replaces what is left of invalid UTF-8).
    mutating func stepString(_ phase: StringPhase, _ byte: UInt8, in grammar: JSONGrammar) -> StepOutcome {
        let next: StringPhase
        switch phase {
        case .text:
            switch byte {
            case UInt8(ascii: "\""):
                finishTop(in: grammar)
                return .consumed
            case UInt8(ascii: "\\"): next = .escape
            case 0x20..<0x80: next = .text
            case 0xC2...0xDF: next = .multiByte(remaining: 1)
            case 0xE0...0xEF: next = .multiByte(remaining: 2)
            case 0xF0...0xF4: next = .multiByte(remaining: 3)
            default: return .rejected
            }
        case .escape:
            switch byte {
            case UInt8(ascii: "u"): next = .unicodeEscape(remaining: 4)
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                next = .text
            default: return .rejected
            }
        case .unicodeEscape(let remaining):
            guard Self.isHexDigit(byte) else { return .rejected }
            next = remaining == 1 ? .text : .unicodeEscape(remaining: remaining - 1)
        case .multiByte(let remaining):
            guard (0x80...0xBF).contains(byte) else { return .rejected }
            next = remaining == 1 ? .text : .multiByte(remaining: remaining - 1)
        }
        frames[frames.count - 1] = .string(next)
        return .consumed
    }

    mutating func startNumber(_ byte: UInt8, integerOnly: Bool) -> Bool {
        let phase: NumberPhase
        switch byte {
        case UInt8(ascii: "-"): phase = .minus
        case UInt8(ascii: "0"): phase = .zero
        case UInt8(ascii: "1")...UInt8(ascii: "9"): phase = .integer
        default: return false
        }
        frames.append(.number(phase, digits: phase == .integer ? 1 : 0, integerOnly: integerOnly))
        return true
    }

    /// Integer digits and fraction digits are bounded (16 each, 3 for the exponent), as llama.cpp bounds them, so
    /// a model cannot run on in digits.
    mutating func stepNumber(_ phase: NumberPhase, digits: UInt8, integerOnly: Bool, _ byte: UInt8) -> StepOutcome {
        let isDigit = (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
        let isExponent = byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E")
        let next: (NumberPhase, UInt8)?
        switch phase {
        case .minus:
            next = byte == UInt8(ascii: "0") ? (.zero, 0) : isDigit ? (.integer, 1) : nil
        case .zero, .integer:
            if phase == .integer, isDigit {
                next = digits < 16 ? (.integer, digits + 1) : nil
            } else if !integerOnly, byte == UInt8(ascii: ".") {
                next = (.dot, 0)
            } else {
                next = !integerOnly && isExponent ? (.exponent, 0) : nil
            }
        case .dot: next = isDigit ? (.fraction, 1) : nil
        case .fraction:
            next = isDigit ? (digits < 16 ? (.fraction, digits + 1) : nil) : isExponent ? (.exponent, 0) : nil
        case .exponent:
            next =
                isDigit
                ? (.exponentDigits, 1)
                : byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-") ? (.exponentSign, 0) : nil
        case .exponentSign: next = isDigit ? (.exponentDigits, 1) : nil
        case .exponentDigits: next = isDigit && digits < 3 ? (.exponentDigits, digits + 1) : nil
        }
        if let (phase, digits) = next {
            frames[frames.count - 1] = .number(phase, digits: digits, integerOnly: integerOnly)
            return .consumed
        }
        return phase.isComplete ? .endsBefore(matched: -1) : .rejected
    }

    mutating func startLiteral(set: Int32, _ byte: UInt8, in grammar: JSONGrammar) -> Bool {
        let literals = grammar.literalSet(set).literals
        guard let range = Self.narrowed(literals, Int32(0)..<Int32(literals.count), offset: 0, byte) else {
            return false
        }
        frames.append(.literal(set: set, lower: range.lowerBound, upper: range.upperBound, offset: 1))
        finishLiteralIfWhole(literals, range, offset: 1, in: grammar)
        return true
    }

    /// One more byte of a literal; a literal that is a prefix of others (`1` and `12`) ends at the first byte that
    /// continues none of them.
    mutating func stepLiteral(
        set: Int32, lower: Int32, upper: Int32, offset: Int32, _ byte: UInt8, in grammar: JSONGrammar
    ) -> StepOutcome {
        let literals = grammar.literalSet(set).literals
        guard let range = Self.narrowed(literals, lower..<upper, offset: Int(offset), byte) else {
            return literals[Int(lower)].count == Int(offset) ? .endsBefore(matched: lower) : .rejected
        }
        frames[frames.count - 1] = .literal(
            set: set, lower: range.lowerBound, upper: range.upperBound, offset: offset + 1)
        finishLiteralIfWhole(literals, range, offset: offset + 1, in: grammar)
        return .consumed
    }

    /// Ends the literal as soon as only one candidate is left and it is whole.
    private mutating func finishLiteralIfWhole(
        _ literals: [[UInt8]], _ range: Range<Int32>, offset: Int32, in grammar: JSONGrammar
    ) {
        guard range.count == 1, literals[Int(range.lowerBound)].count == Int(offset) else { return }
        finishTop(matched: range.lowerBound, in: grammar)
    }

    /// The literals of `range` whose byte at `offset` is `byte` (sorted literals sharing a prefix are contiguous).
    private static func narrowed(_ literals: [[UInt8]], _ range: Range<Int32>, offset: Int, _ byte: UInt8) -> Range<
        Int32
    >? {
        var first: Int32?
        var end = range.lowerBound
        for index in range {
            let literal = literals[Int(index)]
            if literal.count > offset && literal[offset] == byte {
                if first == nil { first = index }
                end = index + 1
            } else if first != nil {
                break
            }
        }
        return first.map { $0..<end }
    }

    static func isHexDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
            || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(byte)
    }
}
