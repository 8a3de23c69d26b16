/// The UnixFS `Data` message carried in a dag-pb node's data field.
public struct UnixFSData: Hashable, Sendable {
    /// What the node is.
    public enum Kind: UInt64, Sendable {
        case raw = 0
        case directory = 1
        case file = 2
        case metadata = 3
        case symlink = 4
        case hamtShard = 5
    }

    public var kind: Kind
    /// Inline file bytes (a leaf node's chunk).
    public var data: [UInt8]?
    /// The file size this node represents.
    public var fileSize: UInt64?
    /// The file size under each link, in link order.
    public var blockSizes: [UInt64]

    public init(kind: Kind, data: [UInt8]? = nil, fileSize: UInt64? = nil, blockSizes: [UInt64] = []) {
        self.kind = kind
        self.data = data
        self.fileSize = fileSize
        self.blockSizes = blockSizes
    }

    /// Parses the message (fields beyond these — hash type, fanout, mode, mtime — are read past).
    public init(bytes: [UInt8]) throws(DagPBError) {
        var reader = ProtobufReader(bytes)
        var kind: Kind?
        var data: [UInt8]?
        var fileSize: UInt64?
        var blockSizes: [UInt64] = []
        while !reader.isAtEnd {
            let (field, wireType) = try reader.key()
            switch (field, wireType) {
            case (1, 0):
                let raw = try reader.varint()
                guard let value = Kind(rawValue: raw) else { throw .invalid("unknown UnixFS type \(raw)") }
                kind = value
            case (2, 2): data = try reader.lengthDelimited()
            case (3, 0): fileSize = try reader.varint()
            case (4, 0): blockSizes.append(try reader.varint())
            case (_, 0): _ = try reader.varint()
            case (_, 2): _ = try reader.lengthDelimited()
            default: throw .invalid("UnixFS field \(field) has wire type \(wireType)")
            }
        }
        guard let kind else { throw .invalid("UnixFS data without a type") }
        self.init(kind: kind, data: data, fileSize: fileSize, blockSizes: blockSizes)
    }

    /// The encoding, fields in number order as go-unixfs writes them.
    public var bytes: [UInt8] {
        var out: [UInt8] = []
        ProtobufWriter.varintField(1, kind.rawValue, into: &out)
        if let data { ProtobufWriter.lengthDelimited(2, data, into: &out) }
        if let fileSize { ProtobufWriter.varintField(3, fileSize, into: &out) }
        for size in blockSizes { ProtobufWriter.varintField(4, size, into: &out) }
        return out
    }
}
