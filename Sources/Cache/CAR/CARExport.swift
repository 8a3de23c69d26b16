/// Writes a DAG as CAR v1: the header naming `root`, then every block reachable from it in depth-first
/// pre-order (links in order), each block once.
public enum CARExport {
    /// Streams the CAR to `sink`; every block must be available from `fetch`. With `duplicates`, a block linked
    /// twice is written (with what lies under it) each time the walk meets it, as a trustless gateway's `dups=y`.
    public static func write(
        root: CID, duplicates: Bool = false, fetch: (CID) throws -> [UInt8]?, sink: ([UInt8]) throws -> Void
    ) throws {
        try sink(CARFormat.header(roots: [root]))
        for cid in try order(root: root, duplicates: duplicates, fetch: fetch) {
            guard let block = try fetch(cid) else { throw UnixFSError.missingBlock(cid) }
            try sink(CARFormat.section(cid: cid, block: block))
        }
    }

    /// The CIDs of the DAG in the order a CAR lists them. Reads only blocks that can link (dag-pb, dag-cbor and
    /// dag-json); a missing one is an error, a missing leaf is found when its block is fetched.
    public static func order(root: CID, duplicates: Bool = false, fetch: (CID) throws -> [UInt8]?) throws -> [CID] {
        var order: [CID] = []
        var seen = Set<[UInt8]>()
        var stack = [root]
        while let cid = stack.popLast() {
            guard seen.insert(cid.multihash.bytes).inserted || duplicates else { continue }
            order.append(cid)
            guard DAGLinks.mayHaveLinks(cid) else { continue }
            guard let block = try fetch(cid) else { throw UnixFSError.missingBlock(cid) }
            stack += try DAGLinks.links(of: cid, block: block).reversed()
        }
        return order
    }
}
