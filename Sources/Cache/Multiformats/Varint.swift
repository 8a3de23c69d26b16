/// Unsigned varints as multiformats use them: little-endian base-128 groups, at most 9 bytes (63 bits), and
/// only the minimal encoding is accepted.
public enum Varint {
    /// The longest varint the spec allows.
    public static let maximumLength = 9

    /// The encoding of `value`, which must be below 2^63.
    public static func encode(_ value: UInt64) -> [UInt8] {
        var bytes: [UInt8] = []
        append(value, to: &bytes)
        return bytes
    }

    /// Appends the encoding of `value` (below 2^63) to `bytes`.
    public static func append(_ value: UInt64, to bytes: inout [UInt8]) {
        precondition(value < 1 << 63, "multiformats varints hold at most 63 bits")
        appendBase128(value, to: &bytes)
    }

    /// Little-endian base-128 groups of any 64-bit value (also protobuf's varint encoding).
    static func appendBase128(_ value: UInt64, to bytes: inout [UInt8]) {
        var rest = value
        while rest >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        bytes.append(UInt8(rest))
    }

    /// Reads one varint at the front of `bytes`: its value and how many bytes it took.
    public static func decode(_ bytes: some Collection<UInt8>) throws(MultiformatError) -> (value: UInt64, length: Int)
    {
        var value: UInt64 = 0
        var length = 0
        for byte in bytes {
            guard length < maximumLength else { throw .varintTooLarge }
            value |= UInt64(byte & 0x7F) << (7 * UInt64(length))
            length += 1
            if byte & 0x80 == 0 {
                if byte == 0 && length > 1 { throw .nonCanonicalVarint }
                return (value, length)
            }
        }
        throw .truncatedVarint
    }
}

/// A cursor over bytes for the multiformat parsers.
struct ByteReader {
    private let bytes: [UInt8]
    private(set) var offset = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var remaining: Int { bytes.count - offset }

    mutating func varint() throws(MultiformatError) -> UInt64 {
        let (value, length) = try Varint.decode(bytes[offset...])
        offset += length
        return value
    }

    mutating func take(_ count: Int) throws(MultiformatError) -> [UInt8] {
        guard count <= remaining else { throw .truncated }
        defer { offset += count }
        return Array(bytes[offset..<offset + count])
    }

    func expectEnd() throws(MultiformatError) {
        if remaining > 0 { throw .trailingBytes(remaining) }
    }
}
