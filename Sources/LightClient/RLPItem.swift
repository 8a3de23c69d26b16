/// A value in Recursive Length Prefix encoding: a byte string or a list of items.
public enum RLPItem: Hashable, Sendable {
    /// A byte string.
    case bytes([UInt8])
    /// A list of items.
    case list([RLPItem])

    /// An integer as RLP writes it: big-endian without leading zeros (zero is the empty string).
    public static func uint(_ value: UInt256) -> RLPItem {
        .bytes(value.minimalBigEndianBytes)
    }

    /// A string's UTF-8 bytes.
    public static func string(_ text: String) -> RLPItem {
        .bytes(Array(text.utf8))
    }

    /// The bytes of a byte string; throws `expectedBytes` for a list.
    public func bytesValue() throws(RLPError) -> [UInt8] {
        guard case .bytes(let bytes) = self else { throw .expectedBytes }
        return bytes
    }

    /// The items of a list; throws `expectedList` for a byte string.
    public func listValue() throws(RLPError) -> [RLPItem] {
        guard case .list(let items) = self else { throw .expectedList }
        return items
    }

    /// A canonical integer: at most 32 bytes and no leading zero byte.
    public func uint256Value() throws(RLPError) -> UInt256 {
        let bytes = try bytesValue()
        guard bytes.first != 0 else { throw .leadingZeroInInteger }
        guard let value = UInt256(bigEndianBytes: bytes) else { throw .integerTooLarge(byteCount: bytes.count) }
        return value
    }
}

extension RLPItem {
    /// The RLP encoding.
    public var encoded: [UInt8] {
        var output: [UInt8] = []
        encode(into: &output)
        return output
    }

    /// Appends the RLP encoding to `output`.
    public func encode(into output: inout [UInt8]) {
        switch self {
        case .bytes(let bytes):
            if bytes.count == 1 && bytes[0] < 0x80 {
                output.append(bytes[0])
            } else {
                Self.appendHeader(length: bytes.count, shortBase: 0x80, to: &output)
                output.append(contentsOf: bytes)
            }
        case .list(let items):
            var payload: [UInt8] = []
            for item in items { item.encode(into: &payload) }
            Self.appendHeader(length: payload.count, shortBase: 0xC0, to: &output)
            output.append(contentsOf: payload)
        }
    }

    /// Writes a length prefix: `shortBase + length` below 56, else `shortBase + 55 + n` and n big-endian bytes.
    private static func appendHeader(length: Int, shortBase: UInt8, to output: inout [UInt8]) {
        if length < 56 {
            output.append(shortBase + UInt8(length))
            return
        }
        let lengthBytes = UInt256(UInt64(length)).minimalBigEndianBytes
        output.append(shortBase + 55 + UInt8(lengthBytes.count))
        output.append(contentsOf: lengthBytes)
    }
}
