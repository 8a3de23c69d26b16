/// A TOML value as parsed from a document (date-time values are not supported).
public enum TOMLValue: Sendable, Equatable {
    /// A basic or literal string.
    case string(String)
    /// An integer (decimal, hexadecimal, octal or binary in the source).
    case integer(Int64)
    /// A float, including `inf` and `nan`.
    case float(Double)
    /// `true` or `false`.
    case bool(Bool)
    /// An array (inline, or an array of tables).
    case array([TOMLValue])
    /// A table (`[header]`, dotted keys or an inline table).
    case table(TOMLTable)

    /// A short name of the value's type for error messages ("a string", "an integer", ...).
    public var typeDescription: String {
        switch self {
        case .string: "a string"
        case .integer: "an integer"
        case .float: "a float"
        case .bool: "a boolean"
        case .array: "an array"
        case .table: "a table"
        }
    }
}

/// A TOML table: keys in document order with their values.
public struct TOMLTable: Sendable, Equatable, Sequence {
    /// Keys in the order they were first defined.
    public private(set) var keys: [String] = []
    private var values: [String: TOMLValue] = [:]

    /// Creates an empty table.
    public init() {}

    /// Number of keys.
    public var count: Int { keys.count }

    /// The value stored under `key`; setting `nil` removes it.
    public subscript(key: String) -> TOMLValue? {
        get { values[key] }
        set {
            if let newValue {
                if values.updateValue(newValue, forKey: key) == nil { keys.append(key) }
            } else if values.removeValue(forKey: key) != nil {
                keys.removeAll { $0 == key }
            }
        }
    }

    /// Iterates `(key, value)` pairs in document order.
    public func makeIterator() -> some IteratorProtocol<(key: String, value: TOMLValue)> {
        var index = 0
        let keys = keys
        let values = values
        return AnyIterator {
            guard index < keys.count else { return nil }
            defer { index += 1 }
            let key = keys[index]
            return (key, values[key]!)
        }
    }
}

/// Bounds applied while parsing untrusted TOML text.
public struct TOMLLimits: Sendable, Hashable {
    /// Largest accepted document, in bytes.
    public var maxBytes: Int = 1 << 20
    /// Deepest accepted nesting of arrays, inline tables and key paths.
    public var maxDepth: Int = 32

    /// Creates limits with the defaults above.
    public init(maxBytes: Int = 1 << 20, maxDepth: Int = 32) {
        self.maxBytes = maxBytes
        self.maxDepth = maxDepth
    }
}

/// A TOML syntax or structure error, with the 1-based line and column where it was found.
public struct TOMLError: Error, Sendable, Equatable, CustomStringConvertible {
    /// 1-based line of the offending byte.
    public var line: Int
    /// 1-based column (in bytes) of the offending byte.
    public var column: Int
    /// What went wrong.
    public var kind: Kind

    /// Creates an error.
    public init(line: Int, column: Int, kind: Kind) {
        self.line = line
        self.column = column
        self.kind = kind
    }

    /// The kinds of TOML errors.
    public enum Kind: Sendable, Equatable {
        /// The document exceeds `TOMLLimits.maxBytes`.
        case tooLarge(limit: Int)
        /// Nesting exceeds `TOMLLimits.maxDepth`.
        case tooDeep(limit: Int)
        /// The bytes are not valid UTF-8.
        case invalidUTF8
        /// A character that may not appear here (e.g. a control character, a bare carriage return).
        case unexpectedCharacter(found: String, expected: String)
        /// The document ended inside a construct.
        case unexpectedEnd(expected: String)
        /// A string or key was not closed on its line.
        case unterminatedString
        /// An unknown or malformed escape sequence in a basic string.
        case invalidEscape(String)
        /// A malformed number (leading zeros, misplaced `_`, out of range, ...).
        case invalidNumber(String)
        /// A value that is not a string, number, boolean, array or inline table.
        case invalidValue(String)
        /// Offset date-times, local dates and times are outside the supported subset.
        case unsupportedDateTime(String)
        /// A key defined twice in the same table.
        case duplicateKey(String)
        /// A `[table]` header defined twice.
        case duplicateTable(String)
        /// A key or table that redefines something of another kind (e.g. extends an inline table).
        case redefinition(String)
    }

    /// One line: `line L, column C: problem`.
    public var description: String {
        let problem: String
        switch kind {
        case .tooLarge(let limit): problem = "document larger than \(limit) bytes"
        case .tooDeep(let limit): problem = "nesting deeper than \(limit) levels"
        case .invalidUTF8: problem = "invalid UTF-8"
        case .unexpectedCharacter(let found, let expected): problem = "unexpected \(found), expected \(expected)"
        case .unexpectedEnd(let expected): problem = "unexpected end of document, expected \(expected)"
        case .unterminatedString: problem = "unterminated string"
        case .invalidEscape(let escape): problem = "invalid escape sequence \(escape)"
        case .invalidNumber(let text): problem = "invalid number \(text)"
        case .invalidValue(let text): problem = "invalid value \(text)"
        case .unsupportedDateTime(let text): problem = "date-time values are not supported (\(text))"
        case .duplicateKey(let key): problem = "duplicate key \(key)"
        case .duplicateTable(let key): problem = "table [\(key)] defined twice"
        case .redefinition(let key): problem = "\(key) is already defined as a different kind of value"
        }
        return "line \(line), column \(column): \(problem)"
    }
}
