/// One parameter of a signature: its type, whether an event indexes it, and its name if given.
public struct ABIParameter: Hashable, Sendable {
    /// The parameter's type.
    public var type: ABIType
    /// Whether an event parameter is stored in a topic rather than in the data.
    public var indexed: Bool
    /// The name, or empty.
    public var name: String

    /// A parameter of this type.
    public init(_ type: ABIType, indexed: Bool = false, name: String = "") {
        (self.type, self.indexed, self.name) = (type, indexed, name)
    }
}

extension ABIType {
    /// Parses a type: `uint256`, `uint` (= `uint256`), `int8`, `address`, `bool`, `bytes32`, `bytes`, `string`,
    /// `T[]`, `T[k]` and tuples `(T1,T2)`, nested to at most 32 levels.
    public init(parsing text: String) throws(ABIError) {
        var parser = ABIParser(text)
        self = try parser.type(depth: 0)
        guard parser.atEnd else { throw parser.failure("unexpected text after the type") }
    }
}

/// Parses `name(type [indexed] [name], …)`, the form of function and event signatures (spaces allowed around
/// parameters).
func parseSignature(_ text: String) throws(ABIError) -> (name: String, parameters: [ABIParameter]) {
    var parser = ABIParser(text)
    let name = parser.identifier()
    guard !name.isEmpty else { throw parser.failure("expected a name") }
    try parser.expect("(")
    var parameters: [ABIParameter] = []
    parser.skipSpaces()
    if !parser.consume(")") {
        repeat {
            parameters.append(try parser.parameter())
        } while parser.consume(",")
        try parser.expect(")")
    }
    parser.skipSpaces()
    guard parser.atEnd else { throw parser.failure("unexpected text after the parameter list") }
    return (name, parameters)
}

/// A recursive-descent reader over the UTF-8 of a type or signature.
struct ABIParser {
    /// Deepest nesting of tuples and arrays accepted.
    static let maxDepth = 32
    /// Largest static encoding accepted for one type (a bound on fixed-array sizes).
    static let maxStaticSize = 1 << 24

    let text: String
    let characters: [UInt8]
    var position = 0

    init(_ text: String) {
        self.text = text
        self.characters = Array(text.utf8)
    }

    var atEnd: Bool { position == characters.count }

    func failure(_ reason: String) -> ABIError {
        .invalidType(text, reason: "\(reason) at offset \(position)")
    }

    mutating func consume(_ character: Character) -> Bool {
        guard position < characters.count, characters[position] == character.asciiValue else { return false }
        position += 1
        return true
    }

    mutating func expect(_ character: Character) throws(ABIError) {
        guard consume(character) else { throw failure("expected \"\(character)\"") }
    }

    mutating func skipSpaces() {
        while position < characters.count && characters[position] == UInt8(ascii: " ") { position += 1 }
    }

    /// Letters, digits, `_` and `$`.
    mutating func identifier() -> String {
        let start = position
        while position < characters.count {
            let character = characters[position]
            let isWordCharacter =
                (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(character | 0x20)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(character)
                || character == UInt8(ascii: "_") || character == UInt8(ascii: "$")
            guard isWordCharacter else { break }
            position += 1
        }
        return String(decoding: characters[start..<position], as: UTF8.self)
    }

    /// A type followed by an optional `indexed` and an optional name.
    mutating func parameter() throws(ABIError) -> ABIParameter {
        skipSpaces()
        var parameter = ABIParameter(try type(depth: 0))
        skipSpaces()
        var word = identifier()
        if word == "indexed" {
            parameter.indexed = true
            skipSpaces()
            word = identifier()
        }
        parameter.name = word
        skipSpaces()
        return parameter
    }

    mutating func type(depth: Int) throws(ABIError) -> ABIType {
        guard depth < Self.maxDepth else { throw failure("nested deeper than \(Self.maxDepth)") }
        var type: ABIType
        if consume("(") {
            var components: [ABIType] = []
            repeat {
                components.append(try self.type(depth: depth + 1))
            } while consume(",")
            try expect(")")
            type = .tuple(components)
        } else {
            type = try elementary(identifier())
        }
        while consume("[") {
            let digits = identifier()
            try expect("]")
            if digits.isEmpty {
                type = .array(type)
            } else {
                guard let count = Int(digits), count > 0, digits.first != "0" else {
                    throw failure("bad array length \"\(digits)\"")
                }
                type = .fixedArray(type, count: count)
            }
            guard type.headSize <= Self.maxStaticSize else { throw failure("static size above \(Self.maxStaticSize)") }
        }
        return type
    }

    private func elementary(_ word: String) throws(ABIError) -> ABIType {
        switch word {
        case "address": return .address
        case "bool": return .bool
        case "string": return .string
        case "bytes": return .bytes
        case "uint": return .uint(bits: 256)
        case "int": return .int(bits: 256)
        default: break
        }
        if let count = sizeSuffix(word, after: "bytes"), (1...32).contains(count) { return .fixedBytes(count) }
        if let bits = sizeSuffix(word, after: "uint"), bits % 8 == 0, (8...256).contains(bits) {
            return .uint(bits: bits)
        }
        if let bits = sizeSuffix(word, after: "int"), bits % 8 == 0, (8...256).contains(bits) {
            return .int(bits: bits)
        }
        throw failure("unknown type \"\(word)\"")
    }

    /// The decimal number after `prefix` in `word` (no leading zero), if `word` has that shape.
    private func sizeSuffix(_ word: String, after prefix: String) -> Int? {
        guard word.hasPrefix(prefix) else { return nil }
        let digits = word.dropFirst(prefix.count)
        guard digits.first != "0", digits.count <= 3 else { return nil }
        return Int(digits)
    }
}
