/// Where a JSON text stands in a `JSONGrammar`: a stack of open values, fed one byte at a time. A value type, so
/// trying a token is copying the state and feeding its bytes; hashable, so masks can be cached by state.
public struct JSONGrammarState: Sendable, Hashable {
    /// Open values nest at most this deep (the `any` grammar allows `[[[[…`: the stack stays bounded).
    static let maxDepth = 64
    /// Whitespace bytes allowed in a row between tokens of an object or array (llama.cpp allows 20 too).
    static let maxSpaces: UInt8 = 20

    enum Frame: Sendable, Hashable {
        /// The whole text: one value, then nothing.
        case document(done: Bool)
        case string(StringPhase)
        case number(NumberPhase, digits: UInt8, integerOnly: Bool)
        /// Matching one of the literals `lower..<upper` of a literal set, `offset` bytes in.
        case literal(set: Int32, lower: Int32, upper: Int32, offset: Int32)
        /// `index`: the next property that may come (or, in `.colon`/`.value`/`.inValue`, the one being written).
        case object(JSONGrammar.NodeID, ContainerPhase, index: Int32, spaces: UInt8)
        /// `count`: items so far, saturating at the largest of `minItems` and `maxItems`.
        case array(JSONGrammar.NodeID, ContainerPhase, count: Int32, spaces: UInt8)
    }

    enum StringPhase: Sendable, Hashable {
        case text
        case escape
        case unicodeEscape(remaining: UInt8)
        case multiByte(remaining: UInt8)
    }

    enum NumberPhase: Sendable, Hashable {
        case minus, zero, integer, dot, fraction, exponent, exponentSign, exponentDigits

        /// Whether a number may end here.
        var isComplete: Bool { self == .zero || self == .integer || self == .fraction || self == .exponentDigits }
    }

    enum ContainerPhase: Sendable, Hashable {
        /// After `{` or `[`.
        case open
        /// After `,`: a key or item must come.
        case afterComma
        /// A key is being written (the key's frame is above).
        case inKey
        /// After a key, before `:`.
        case colon
        /// After `:`, before the value.
        case value
        /// A value is being written (its frame is above).
        case inValue
        /// After a value: `,` or the closing bracket.
        case after
    }

    var frames: [Frame] = [.document(done: false)]

    public init() {}

    /// Whether the text so far is one whole value: generation may end here.
    public func canEnd(in grammar: JSONGrammar) -> Bool {
        if frames == [.document(done: true)] { return true }
        guard frames.count == 2, let top = frames.last else { return false }
        switch top {
        case .number(let phase, _, _): return phase.isComplete
        case .literal(let set, let lower, _, let offset):
            return grammar.literalSet(set).literals[Int(lower)].count == Int(offset)
        default: return false
        }
    }

    /// Whether nothing can follow: the value is closed.
    public var isFinished: Bool { frames == [.document(done: true)] }

    /// Feeds `bytes`; `false` (the state then undefined) when the grammar does not allow them.
    public mutating func feed(_ bytes: some Sequence<UInt8>, in grammar: JSONGrammar) -> Bool {
        for byte in bytes where !feed(byte, in: grammar) { return false }
        return true
    }

    /// Feeds one byte; `false` (the state then undefined) when the grammar does not allow it.
    public mutating func feed(_ byte: UInt8, in grammar: JSONGrammar) -> Bool {
        while let top = frames.last {
            let outcome: StepOutcome
            switch top {
            case .document(let done):
                outcome = done ? .rejected : (startValue(grammar.root, byte, in: grammar) ? .consumed : .rejected)
            case .string(let phase): outcome = stepString(phase, byte, in: grammar)
            case .number(let phase, let digits, let integerOnly):
                outcome = stepNumber(phase, digits: digits, integerOnly: integerOnly, byte)
            case .literal(let set, let lower, let upper, let offset):
                outcome = stepLiteral(set: set, lower: lower, upper: upper, offset: offset, byte, in: grammar)
            case .object(let node, let phase, let index, let spaces):
                outcome = stepObject(node, phase, index: index, spaces: spaces, byte, in: grammar)
            case .array(let node, let phase, let count, let spaces):
                outcome = stepArray(node, phase, count: count, spaces: spaces, byte, in: grammar)
            }
            switch outcome {
            case .consumed: return true
            case .rejected: return false
            case .endsBefore(let matched):
                frames.removeLast()
                completeChild(matched: matched, in: grammar)
            }
        }
        return false
    }

    /// What one frame made of a byte.
    enum StepOutcome {
        case consumed
        case rejected
        /// The frame's value ended just before this byte (a number or literal needs the next byte to know):
        /// pop it, then feed the byte to its parent. `matched`: the literal matched, or -1.
        case endsBefore(matched: Int32)
    }

    /// Pops the top frame, a value that just ended, and moves its parent on.
    mutating func finishTop(matched: Int32 = -1, in grammar: JSONGrammar) {
        frames.removeLast()
        completeChild(matched: matched, in: grammar)
    }

    /// The value above the top frame ended: the top frame (its parent) moves past it.
    private mutating func completeChild(matched: Int32, in grammar: JSONGrammar) {
        switch frames[frames.count - 1] {
        case .document: frames[frames.count - 1] = .document(done: true)
        case .object(let node, let phase, let index, _):
            let fixed = grammar.isFixedObject(node)
            if phase == .inKey {
                let property =
                    fixed ? grammar.literalSet(grammar.keySet(of: node, from: index)).properties[Int(matched)] : 0
                frames[frames.count - 1] = .object(node, .colon, index: property, spaces: 0)
            } else {
                frames[frames.count - 1] = .object(node, .after, index: fixed ? index + 1 : 0, spaces: 0)
            }
        case .array(let node, _, let count, _):
            frames[frames.count - 1] = .array(node, .after, count: min(count + 1, grammar.countCap(node)), spaces: 0)
        default: preconditionFailure("a scalar frame has no children")
        }
    }

    /// Opens a value of shape `node` whose first byte is `byte`; `false` (nothing changed) when it cannot start so.
    mutating func startValue(_ node: JSONGrammar.NodeID, _ byte: UInt8, in grammar: JSONGrammar) -> Bool {
        guard frames.count < Self.maxDepth else { return false }
        switch grammar.node(node) {
        case .any:
            switch byte {
            case UInt8(ascii: "{"): return startValue(JSONGrammar.anyObjectNode, byte, in: grammar)
            case UInt8(ascii: "["): return startValue(JSONGrammar.anyArrayNode, byte, in: grammar)
            case UInt8(ascii: "\""): return startString(byte)
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return startNumber(byte, integerOnly: false)
            default: return startLiteral(set: JSONGrammar.keywordLiterals, byte, in: grammar)
            }
        case .string: return startString(byte)
        case .number(let integerOnly): return startNumber(byte, integerOnly: integerOnly)
        case .literals(let set): return startLiteral(set: set, byte, in: grammar)
        case .object, .anyObject:
            guard byte == UInt8(ascii: "{") else { return false }
            frames.append(.object(node, .open, index: 0, spaces: 0))
            return true
        case .array:
            guard byte == UInt8(ascii: "[") else { return false }
            frames.append(.array(node, .open, count: 0, spaces: 0))
            return true
        case .union(let members):
            for member in members where startValue(member, byte, in: grammar) { return true }
            return false
        }
    }

    static func isSpace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\t") || byte == 0x0D
    }
}

extension JSONGrammar {
    func isFixedObject(_ node: NodeID) -> Bool {
        if case .object = self.node(node) { return true }
        return false
    }

    /// Where an array's item count stops mattering: counts above it behave alike.
    func countCap(_ node: NodeID) -> Int32 {
        guard case .array(_, let minimum, let maximum) = self.node(node) else { return 0 }
        return max(minimum, maximum ?? 0)
    }
}
