/// The links of a block, by its codec: what recursive pins and DAG walks follow.
public enum DAGLinks {
    /// Whether blocks of this CID's codec can hold links that are followed (false: a leaf, whatever its bytes).
    public static func mayHaveLinks(_ cid: CID) -> Bool {
        cid.codec == .dagPB || cid.codec == .dagCBOR || cid.codec == .dagJSON
    }

    /// The CIDs `block` links to, in document order (what a depth-first walk visits next, first): a dag-pb
    /// node's links, the tag-42 items of dag-cbor, the `{"/": CID}` objects of dag-json. Raw and other blocks
    /// have none.
    public static func links(of cid: CID, block: [UInt8]) throws(DAGLinksError) -> [CID] {
        switch cid.codec {
        case .dagPB:
            do { return try DagPBNode(bytes: block).links.map(\.cid) } catch { throw .dagPB(error) }
        case .dagCBOR:
            do { return try DagCBOR.links(in: block) } catch { throw .dagCBOR(error) }
        case .dagJSON:
            do { return try DagJSON.links(in: block) } catch { throw .dagJSON(error) }
        default:
            return []
        }
    }
}

/// Why a block's links could not be read: its bytes do not decode as its codec.
public enum DAGLinksError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A malformed dag-pb node.
    case dagPB(DagPBError)
    /// Malformed or non-canonical dag-cbor.
    case dagCBOR(DagCBORError)
    /// Malformed dag-json or a link that is not a CID.
    case dagJSON(DagJSONError)

    public var description: String {
        switch self {
        case .dagPB(let error): error.description
        case .dagCBOR(let error): error.description
        case .dagJSON(let error): error.description
        }
    }
}
