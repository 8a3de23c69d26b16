/// Strict RLP decoding: canonical length prefixes only, every length within its enclosing item, nothing after the
/// top-level item, bounded depth and size.
public struct RLPDecoder: Sendable {
    /// The deepest list nesting accepted (the top-level list is depth 1).
    public var maxDepth: Int
    /// The largest input accepted, in bytes.
    public var maxSize: Int

    /// A decoder with these limits.
    public init(maxDepth: Int = 64, maxSize: Int = 16 << 20) {
        self.maxDepth = maxDepth
        self.maxSize = maxSize
    }

    /// Decodes exactly one item spanning all of `data`.
    public func decode(_ data: [UInt8]) throws(RLPError) -> RLPItem {
        guard data.count <= maxSize else { throw .inputTooLarge(limit: maxSize, found: data.count) }
        guard !data.isEmpty else { throw .emptyInput }
        let (item, end) = try decodeItem(data, at: 0, end: data.count, depth: 0)
        guard end == data.count else { throw .trailingBytes(offset: end, count: data.count - end) }
        return item
    }

    private func decodeItem(
        _ data: [UInt8], at offset: Int, end: Int, depth: Int
    ) throws(RLPError) -> (RLPItem, next: Int) {
        let header = try RLPHeader(data, at: offset, end: end)
        guard header.isList else {
            return (.bytes(Array(data[header.payload])), header.payload.upperBound)
        }
        guard depth < maxDepth else { throw .depthExceeded(limit: maxDepth) }
        var items: [RLPItem] = []
        var position = header.payload.lowerBound
        while position < header.payload.upperBound {
            let (item, next) = try decodeItem(data, at: position, end: header.payload.upperBound, depth: depth + 1)
            items.append(item)
            position = next
        }
        return (.list(items), header.payload.upperBound)
    }
}

/// The prefix of one RLP item: whether it is a list and where its payload lies.
struct RLPHeader {
    /// Whether the item is a list (else a byte string).
    var isList: Bool
    /// The payload's byte range in the input.
    var payload: Range<Int>

    /// Reads and checks the prefix of the item at `offset`, which must end by `end`.
    init(_ data: [UInt8], at offset: Int, end: Int) throws(RLPError) {
        guard offset < end else { throw .truncated(offset: offset, needed: 1, available: 0) }
        let prefix = data[offset]
        switch prefix {
        case 0x00...0x7F:
            (isList, payload) = (false, offset..<offset + 1)
        case 0x80...0xB7:
            let length = Int(prefix - 0x80)
            payload = try Self.payload(after: offset + 1, length: UInt64(length), itemOffset: offset, end: end)
            if length == 1 && data[offset + 1] < 0x80 { throw .nonCanonicalSingleByte(offset: offset) }
            isList = false
        case 0xB8...0xBF:
            isList = false
            payload = try Self.longPayload(data, at: offset, lengthOfLength: Int(prefix - 0xB7), end: end)
        case 0xC0...0xF7:
            isList = true
            payload = try Self.payload(after: offset + 1, length: UInt64(prefix - 0xC0), itemOffset: offset, end: end)
        default:
            isList = true
            payload = try Self.longPayload(data, at: offset, lengthOfLength: Int(prefix - 0xF7), end: end)
        }
    }

    /// The payload of a long-form item: a big-endian length of `lengthOfLength` bytes, then the payload.
    private static func longPayload(
        _ data: [UInt8], at offset: Int, lengthOfLength: Int, end: Int
    ) throws(RLPError) -> Range<Int> {
        let lengthStart = offset + 1
        guard end - lengthStart >= lengthOfLength else {
            throw .truncated(offset: offset, needed: UInt64(1 + lengthOfLength), available: end - offset)
        }
        guard data[lengthStart] != 0 else { throw .leadingZeroInLength(offset: offset) }
        var length: UInt64 = 0
        for byte in data[lengthStart..<lengthStart + lengthOfLength] {
            length = length << 8 | UInt64(byte)  // at most 8 bytes, so no bits are lost
        }
        guard length >= 56 else { throw .nonCanonicalLength(offset: offset, length: Int(length)) }
        return try payload(after: lengthStart + lengthOfLength, length: length, itemOffset: offset, end: end)
    }

    private static func payload(
        after start: Int, length: UInt64, itemOffset: Int, end: Int
    ) throws(RLPError) -> Range<Int> {
        guard length <= UInt64(end - start) else {
            let needed = length.addingReportingOverflow(UInt64(start - itemOffset)).partialValue
            throw .truncated(offset: itemOffset, needed: needed, available: end - itemOffset)
        }
        return start..<start + Int(length)
    }
}
