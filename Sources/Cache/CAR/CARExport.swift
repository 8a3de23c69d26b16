/// Writes a DAG as CAR v1: the header naming `root`, then every block reachable from it in depth-first
/// pre-order (links in order), each block once.
public enum CARExport {
    /// Streams the CAR to `sink`; every block must be available from `fetch`.
    public static func write(
        root: CID, fetch: (CID) throws -> [UInt8]?, sink: ([UInt8]) throws -> Void
    ) throws {
        try sink(CARFormat.header(roots: [root]))
        var seen = Set<[UInt8]>()
        var stack = [root]
        while let cid = stack.popLast() {
            guard seen.insert(cid.multihash.bytes).inserted else { continue }
            guard let block = try fetch(cid) else { throw UnixFSError.missingBlock(cid) }
            try sink(CARFormat.section(cid: cid, block: block))
            stack += try DAGLinks.links(of: cid, block: block).reversed()
        }
    }
}
