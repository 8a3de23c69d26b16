/// Reads a CAR v1 stream section by section, verifying every block against its CID before handing it out and
/// refusing sections larger than a block may be.
public struct CARReader {
    /// Supplies up to `count` more bytes of the stream; an empty array at its end.
    public typealias Source = (_ count: Int) throws -> [UInt8]

    private let source: Source
    private let maximumBlockBytes: Int
    private var buffer: [UInt8] = []
    private var position = 0
    private var ended = false
    /// The roots the header lists.
    public private(set) var roots: [CID] = []

    /// Reads the header at once; `maximumBlockBytes` bounds every section's block.
    public init(maximumBlockBytes: Int = 4 << 20, source: @escaping Source) throws(CARError) {
        self.source = source
        self.maximumBlockBytes = maximumBlockBytes
        guard let length = try lengthPrefix() else { throw .invalidHeader("empty stream") }
        guard length > 0, length <= UInt64(CARFormat.maximumHeaderBytes) else {
            throw .invalidHeader("header length \(length) is out of range")
        }
        roots = try CARFormat.roots(fromHeader: try take(Int(length)))
    }

    /// Reads a CAR held in memory.
    public init(bytes: some Collection<UInt8> & Sendable, maximumBlockBytes: Int = 4 << 20) throws(CARError) {
        var rest = bytes[...]
        try self.init(maximumBlockBytes: maximumBlockBytes) { count in
            defer { rest = rest.dropFirst(count) }
            return Array(rest.prefix(count))
        }
    }

    /// The next verified block, or nil at the end of the stream.
    public mutating func next() throws(CARError) -> (cid: CID, block: [UInt8])? {
        guard let length = try lengthPrefix() else { return nil }
        // A CIDv1 with a sha2-256 multihash is 36 bytes; 128 covers identity CIDs too.
        guard length <= UInt64(maximumBlockBytes + 128) else {
            throw .sectionTooLarge(length, limit: maximumBlockBytes)
        }
        let section = try take(Int(length))
        let cid = try Self.leadingCID(section)
        let block = Array(section[cid.bytes.count...])
        guard block.count <= maximumBlockBytes else {
            throw .sectionTooLarge(UInt64(block.count), limit: maximumBlockBytes)
        }
        guard cid.multihash.matches(block) else { throw .hashMismatch(cid) }
        return (cid, block)
    }

    /// The CID at the start of a section: a CIDv0 (34-byte multihash) or a CIDv1 read by its own lengths.
    private static func leadingCID(_ section: [UInt8]) throws(CARError) -> CID {
        do {
            if section.count >= 34 && section[0] == 0x12 && section[1] == 0x20 {
                return try CID(bytes: Array(section[0..<34]))
            }
            var offset = 0
            for _ in 0..<2 {  // version, codec
                offset += try Varint.decode(section[offset...]).length
            }
            offset += try Varint.decode(section[offset...]).length  // hash function
            let digest = try Varint.decode(section[offset...])
            offset += digest.length
            guard UInt64(section.count - offset) >= digest.value else { throw CARError.invalidSection("truncated CID") }
            return try CID(bytes: Array(section[0..<offset + Int(digest.value)]))
        } catch let error as CARError {
            throw error
        } catch {
            throw .invalidSection("\(error)")
        }
    }

    /// A varint length prefix, or nil at a clean end of stream.
    private mutating func lengthPrefix() throws(CARError) -> UInt64? {
        try fill(1)
        if position == buffer.count { return nil }
        try fill(Varint.maximumLength)
        do {
            let (value, length) = try Varint.decode(buffer[position...])
            position += length
            return value
        } catch .truncatedVarint {
            throw .truncated
        } catch {
            throw .invalidSection("length prefix: \(error)")
        }
    }

    private mutating func take(_ count: Int) throws(CARError) -> [UInt8] {
        try fill(count)
        guard buffer.count - position >= count else { throw .truncated }
        defer { position += count }
        return Array(buffer[position..<position + count])
    }

    /// Reads until `count` bytes are buffered past `position` or the stream ends.
    private mutating func fill(_ count: Int) throws(CARError) {
        if position > 0 && position == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            position = 0
        }
        while buffer.count - position < count && !ended {
            let more: [UInt8]
            do { more = try source(max(count - (buffer.count - position), 64 << 10)) } catch {
                throw .source("\(error)")
            }
            if more.isEmpty { ended = true } else { buffer += more }
            if position > 1 << 20 {
                buffer.removeFirst(position)
                position = 0
            }
        }
    }
}
