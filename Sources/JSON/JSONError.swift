/// Why a byte sequence is not acceptable JSON; offsets count bytes from the start of the input.
public enum JSONError: Error, Sendable, Equatable {
    /// A byte that cannot appear here (including a raw control character inside a string).
    case unexpectedByte(offset: Int)
    /// The input ended before the value was complete (including empty input).
    case unexpectedEnd
    /// An array or object opened at `offset` nests deeper than the limit.
    case depthLimitExceeded(offset: Int)
    /// The input is `bytes` long, more than the `limit`.
    case tooLarge(bytes: Int, limit: Int)
    /// A string holds a malformed UTF-8 sequence starting at `offset`.
    case invalidUTF8(offset: Int)
    /// The escape sequence starting at `offset` is unknown, malformed, or an unpaired surrogate.
    case invalidEscape(offset: Int)
    /// The number starting at `offset` is malformed (e.g. a leading zero) or overflows `Double`.
    case invalidNumber(offset: Int)
    /// A complete value ended before `offset`, but more than whitespace follows.
    case trailingData(offset: Int)
}

extension JSONError: CustomStringConvertible {
    /// A one-line explanation naming the offset, never the input's content.
    public var description: String {
        switch self {
        case .unexpectedByte(let offset): "unexpected byte at offset \(offset)"
        case .unexpectedEnd: "unexpected end of input"
        case .depthLimitExceeded(let offset): "nesting too deep at offset \(offset)"
        case .tooLarge(let bytes, let limit): "input of \(bytes) bytes exceeds the limit of \(limit)"
        case .invalidUTF8(let offset): "invalid UTF-8 at offset \(offset)"
        case .invalidEscape(let offset): "invalid escape sequence at offset \(offset)"
        case .invalidNumber(let offset): "invalid number at offset \(offset)"
        case .trailingData(let offset): "trailing data at offset \(offset)"
        }
    }
}
