/// One SQLite value, as bound to a parameter or read from a column.
public enum SQLiteValue: Sendable, Hashable {
    /// SQL NULL.
    case null
    /// A 64-bit signed integer.
    case integer(Int64)
    /// An IEEE 754 double.
    case real(Double)
    /// UTF-8 text.
    case text(String)
    /// Raw bytes (may contain NULs).
    case blob([UInt8])
}

extension SQLiteValue {
    /// An integer value from a Swift `Int`.
    public init(_ value: Int) { self = .integer(Int64(value)) }

    /// `.integer` for a value, `.null` for `nil`.
    public init(_ value: Int64?) { self = value.map(Self.integer) ?? .null }

    /// `.text` for a string, `.null` for `nil`.
    public init(_ value: String?) { self = value.map(Self.text) ?? .null }

    /// Whether this is SQL NULL.
    public var isNull: Bool { self == .null }
}

extension SQLiteValue: ExpressibleByNilLiteral {
    /// `nil` is SQL NULL.
    public init(nilLiteral: ()) { self = .null }
}

extension SQLiteValue: ExpressibleByIntegerLiteral {
    /// An integer literal is `.integer`.
    public init(integerLiteral value: Int64) { self = .integer(value) }
}

extension SQLiteValue: ExpressibleByFloatLiteral {
    /// A float literal is `.real`.
    public init(floatLiteral value: Double) { self = .real(value) }
}

extension SQLiteValue: ExpressibleByStringLiteral {
    /// A string literal is `.text`.
    public init(stringLiteral value: String) { self = .text(value) }
}
