/// A DAG-PB node (the MerkleDAG protobuf of UnixFS): links to other blocks, then optional data.
///
/// Decoding follows the DAG-PB spec's strictness: fields only in canonical order (a node's links before its data;
/// a link's hash, name, size), no unknown or repeated fields, minimal varints, and every link hash a valid CID.
public struct DagPBNode: Hashable, Sendable {
    /// One link: the child's CID, an optional name, and the cumulative size of the child's DAG.
    public struct Link: Hashable, Sendable {
        public var cid: CID
        public var name: String?
        public var totalSize: UInt64?

        public init(cid: CID, name: String? = nil, totalSize: UInt64? = nil) {
            self.cid = cid
            self.name = name
            self.totalSize = totalSize
        }
    }

    public var links: [Link]
    public var data: [UInt8]?

    public init(links: [Link] = [], data: [UInt8]? = nil) {
        self.links = links
        self.data = data
    }

    /// Parses an encoded node.
    public init(bytes: [UInt8]) throws(DagPBError) {
        var reader = ProtobufReader(bytes)
        var links: [Link] = []
        var data: [UInt8]?
        while !reader.isAtEnd {
            let (field, wireType) = try reader.key()
            guard wireType == 2 else { throw .invalid("field \(field) is not length-delimited") }
            switch field {
            case 2 where data == nil:
                links.append(try Self.link(try reader.lengthDelimited()))
            case 1 where data == nil:
                data = try reader.lengthDelimited()
            default:
                throw .invalid(
                    field == 1 || field == 2 ? "field \(field) out of order or repeated" : "unknown field \(field)")
            }
        }
        self.links = links
        self.data = data
    }

    private static func link(_ bytes: [UInt8]) throws(DagPBError) -> Link {
        var reader = ProtobufReader(bytes)
        var cid: CID?
        var name: String?
        var totalSize: UInt64?
        var lastField = 0
        while !reader.isAtEnd {
            let (field, wireType) = try reader.key()
            guard field > lastField else { throw .invalid("link field \(field) out of order or repeated") }
            lastField = field
            switch (field, wireType) {
            case (1, 2):
                cid = try Self.linkCID(try reader.lengthDelimited())
            case (2, 2):
                let raw = try reader.lengthDelimited()
                guard let text = String(validating: raw, as: UTF8.self) else {
                    throw .invalid("link name is not UTF-8")
                }
                name = text
            case (3, 0):
                totalSize = try reader.varint()
            default:
                throw .invalid("unexpected link field \(field) with wire type \(wireType)")
            }
        }
        guard let cid else { throw .invalid("link without a hash") }
        return Link(cid: cid, name: name, totalSize: totalSize)
    }

    private static func linkCID(_ bytes: [UInt8]) throws(DagPBError) -> CID {
        do {
            return try CID(bytes: bytes)
        } catch {
            throw .invalid("link hash: \(error)")
        }
    }

    /// The canonical encoding.
    public var bytes: [UInt8] {
        var out: [UInt8] = []
        for link in links {
            var encoded: [UInt8] = []
            ProtobufWriter.lengthDelimited(1, link.cid.bytes, into: &encoded)
            if let name = link.name { ProtobufWriter.lengthDelimited(2, Array(name.utf8), into: &encoded) }
            if let totalSize = link.totalSize { ProtobufWriter.varintField(3, totalSize, into: &encoded) }
            ProtobufWriter.lengthDelimited(2, encoded, into: &out)
        }
        if let data { ProtobufWriter.lengthDelimited(1, data, into: &out) }
        return out
    }
}

/// Why bytes are not a DAG-PB node.
public enum DagPBError: Error, Equatable, Sendable, CustomStringConvertible {
    case invalid(String)
    case truncated

    public var description: String {
        switch self {
        case .invalid(let reason): "invalid dag-pb: \(reason)"
        case .truncated: "invalid dag-pb: truncated"
        }
    }
}

/// Protobuf wire-format reading, strict: minimal varints of at most 10 bytes.
struct ProtobufReader {
    private let bytes: [UInt8]
    private var offset = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var isAtEnd: Bool { offset == bytes.count }

    mutating func varint() throws(DagPBError) -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while offset < bytes.count {
            let byte = bytes[offset]
            offset += 1
            guard shift < 64, shift < 63 || byte <= 1 else { throw .invalid("varint overflows 64 bits") }
            value |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 {
                if byte == 0 && shift > 0 { throw .invalid("varint is not minimally encoded") }
                return value
            }
            shift += 7
        }
        throw .truncated
    }

    mutating func key() throws(DagPBError) -> (field: Int, wireType: Int) {
        let key = try varint()
        guard key >> 3 <= UInt64(Int32.max), key >> 3 > 0 else { throw .invalid("field number out of range") }
        return (Int(key >> 3), Int(key & 7))
    }

    mutating func lengthDelimited() throws(DagPBError) -> [UInt8] {
        let length = try varint()
        guard length <= UInt64(bytes.count - offset) else { throw .truncated }
        defer { offset += Int(length) }
        return Array(bytes[offset..<offset + Int(length)])
    }
}

/// Protobuf wire-format writing.
enum ProtobufWriter {
    static func varint(_ value: UInt64, into out: inout [UInt8]) {
        Varint.appendBase128(value, to: &out)
    }

    static func varintField(_ field: Int, _ value: UInt64, into out: inout [UInt8]) {
        varint(UInt64(field) << 3, into: &out)
        varint(value, into: &out)
    }

    static func lengthDelimited(_ field: Int, _ bytes: [UInt8], into out: inout [UInt8]) {
        varint(UInt64(field) << 3 | 2, into: &out)
        varint(UInt64(bytes.count), into: &out)
        out += bytes
    }
}
