/// The links of a block, by its codec: what recursive pins and DAG walks follow.
public enum DAGLinks {
    /// Whether blocks of this CID's codec can hold links that are followed (false: a leaf, whatever its bytes).
    public static func mayHaveLinks(_ cid: CID) -> Bool {
        cid.codec == .dagPB
    }

    /// The CIDs `block` links to. Raw blocks have none; dag-pb nodes list theirs. dag-cbor and dag-json blocks
    /// are treated as leaves until a decoder for them lands (their links are not followed).
    public static func links(of cid: CID, block: [UInt8]) throws(DagPBError) -> [CID] {
        switch cid.codec {
        case .dagPB: try DagPBNode(bytes: block).links.map(\.cid)
        default: []
        }
    }
}
