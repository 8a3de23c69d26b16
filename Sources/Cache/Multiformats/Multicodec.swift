/// A multicodec code: what a CID's bytes are (content codec) or how a multihash was computed (hash function).
public struct Multicodec: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt64

    public init(rawValue: UInt64) { self.rawValue = rawValue }

    /// Raw bytes (a leaf block).
    public static let raw = Multicodec(rawValue: 0x55)
    /// MerkleDAG protobuf (UnixFS nodes; every CIDv0).
    public static let dagPB = Multicodec(rawValue: 0x70)
    /// MerkleDAG CBOR.
    public static let dagCBOR = Multicodec(rawValue: 0x71)
    /// MerkleDAG JSON.
    public static let dagJSON = Multicodec(rawValue: 0x0129)
    /// A libp2p public key (IPNS names).
    public static let libp2pKey = Multicodec(rawValue: 0x72)
    /// The identity "hash": the digest is the content itself.
    public static let identity = Multicodec(rawValue: 0x00)
    /// SHA-256.
    public static let sha2_256 = Multicodec(rawValue: 0x12)

    /// Content codecs a CID may carry here.
    public static let contentCodecs: [Multicodec] = [.raw, .dagPB, .dagCBOR, .dagJSON, .libp2pKey]

    /// The registry name (`table.csv`), e.g. `dag-pb`.
    public var name: String {
        switch self {
        case .raw: "raw"
        case .dagPB: "dag-pb"
        case .dagCBOR: "dag-cbor"
        case .dagJSON: "dag-json"
        case .libp2pKey: "libp2p-key"
        case .identity: "identity"
        case .sha2_256: "sha2-256"
        default: "0x" + String(rawValue, radix: 16)
        }
    }

    public var description: String { name }
}
