import JSON

/// Path segments inside one dag-cbor or dag-json block (`/ipfs/{cid}/foo/link/bar`): map keys and list indexes,
/// followed until a link leads to another block.
public enum DAGPath {
    /// Where a path inside one block ends.
    public enum End: Equatable, Sendable {
        /// A link, reached after `consumed` segments; the rest of the path continues in its block.
        case link(CID, consumed: Int)
        /// A value other than a link, with every segment used (reading such values is not implemented).
        case value
        /// No map key or list index `segment` where the path needs it (or a scalar where it needs a container).
        case missing(String)
    }

    /// Follows `path` inside `block` of codec `codec` (dag-cbor or dag-json); the whole block is checked first.
    public static func follow(_ path: ArraySlice<String>, in block: [UInt8], codec: Multicodec) throws(DAGLinksError)
        -> End
    {
        switch codec {
        case .dagCBOR:
            do { return try followCBOR(Array(path), in: block) } catch { throw .dagCBOR(error) }
        case .dagJSON:
            do { return try followJSON(Array(path), in: block) } catch { throw .dagJSON(error) }
        default:
            return .missing(path.first ?? "")
        }
    }

    private static func followCBOR(_ path: [String], in block: [UInt8]) throws(DagCBORError) -> End {
        _ = try DagCBOR.links(in: block)  // strict: the block is canonical DAG-CBOR, so counts below are sound
        var walk = DagCBOR.Walk(reader: CBOR.Reader(block))
        var consumed = 0
        while true {
            let head = try walk.reader.head()
            if head.major == 6 { return .link(try walk.reader.linkContent(tagAt: head.offset), consumed: consumed) }
            guard consumed < path.count else { return .value }
            let segment = path[consumed]
            switch head.major {
            case 5:
                guard try findKey(segment, entries: head.argument, in: &walk) else { return .missing(segment) }
            case 4:
                guard let index = UInt64(segment), index < head.argument else { return .missing(segment) }
                for _ in 0..<index { try walk.skipItem() }
            default:
                return .missing(segment)
            }
            consumed += 1
        }
    }

    /// Reads map entries up to the value of `key`; false when the map has no such key.
    private static func findKey(_ key: String, entries: UInt64, in walk: inout DagCBOR.Walk) throws(DagCBORError)
        -> Bool
    {
        for _ in 0..<entries {
            guard try walk.reader.text() != key else { return true }
            try walk.skipItem()
        }
        return false
    }

    private static func followJSON(_ path: [String], in block: [UInt8]) throws(DagJSONError) -> End {
        var value = try DagJSON.document(block)
        _ = try DagJSON.links(of: value)  // every link a CID
        var consumed = 0
        while true {
            if let link = DagJSON.link(value) { return .link(link, consumed: consumed) }
            guard consumed < path.count else { return .value }
            let segment = path[consumed]
            // A `{"/": …}` object that is not a link is bytes: a scalar, not a map to path into.
            if case .object(let object) = value, object.keys != ["/"], let member = object[segment] {
                value = member
            } else if case .array(let items) = value, let index = Int(segment), items.indices.contains(index) {
                value = items[index]
            } else {
                return .missing(segment)
            }
            consumed += 1
        }
    }
}
