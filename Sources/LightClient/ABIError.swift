/// Why an ABI type, value or encoding was rejected. Offsets count bytes from the start of the encoded data.
public enum ABIError: Error, Equatable, Sendable {
    /// A type or signature string that does not parse; `reason` says what was wrong.
    case invalidType(String, reason: String)
    /// A value of the wrong kind for its type (for example `.bool` for `uint256`).
    case typeMismatch(expected: ABIType)
    /// A number outside its type's range, or bytes of the wrong length for `bytesN`.
    case valueOutOfRange(type: ABIType)
    /// A different number of values than the types (or a fixed array's length) call for.
    case countMismatch(expected: Int, found: Int)
    /// The data ended before a word or a dynamic value at `offset` (`needed` bytes from there).
    case truncated(offset: Int, needed: Int)
    /// An offset or length word larger than the data.
    case offsetOutOfBounds(offset: Int)
    /// A word whose unused high bits, padding bytes or sign extension are not as the type requires.
    case invalidPadding(offset: Int, type: ABIType)
    /// A `bool` word other than 0 or 1.
    case invalidBool(offset: Int)
    /// A `string` that is not valid UTF-8.
    case invalidUTF8(offset: Int)
    /// Offsets that reuse the same bytes so the decoded values would be larger than the data.
    case decodedSizeExceedsInput
    /// Calldata whose first four bytes are not the function's selector.
    case selectorMismatch(expected: [UInt8], found: [UInt8])
    /// A log whose first topic is not the event's signature hash.
    case topicMismatch(expected: [UInt8], found: [UInt8])
    /// A log with a different number of topics than the event's indexed parameters need.
    case topicCountMismatch(expected: Int, found: Int)
}
