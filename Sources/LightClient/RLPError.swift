/// Why RLP input was rejected. Offsets count bytes from the start of the input.
public enum RLPError: Error, Equatable, Sendable {
    /// The input was empty.
    case emptyInput
    /// The item starting at `offset` needs `needed` bytes but only `available` remain in its enclosing item.
    case truncated(offset: Int, needed: UInt64, available: Int)
    /// A single byte below 0x80 was wrapped in a one-byte string header (it must stand for itself).
    case nonCanonicalSingleByte(offset: Int)
    /// A long-form length prefix carried a length below 56 (the short form is required).
    case nonCanonicalLength(offset: Int, length: Int)
    /// A long-form length started with a zero byte.
    case leadingZeroInLength(offset: Int)
    /// Bytes followed the top-level item.
    case trailingBytes(offset: Int, count: Int)
    /// Lists nested deeper than the limit.
    case depthExceeded(limit: Int)
    /// The input was larger than the limit.
    case inputTooLarge(limit: Int, found: Int)
    /// A byte string was expected where a list was found.
    case expectedBytes
    /// A list was expected where a byte string was found.
    case expectedList
    /// An integer began with a zero byte.
    case leadingZeroInInteger
    /// An integer had more than 32 bytes.
    case integerTooLarge(byteCount: Int)
}
