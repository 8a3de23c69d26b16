/// Resolves a path below a UnixFS directory (`/ipfs/{cid}/a/b.txt`) by link names, one directory node per step,
/// and through dag-cbor and dag-json blocks by map keys and list indexes up to each link (`DAGPath`).
/// Sharded (HAMT) directories are not resolved yet; they fail with `UnixFSPathError.shardedDirectory`.
public enum UnixFSPath {
    /// The CID the path names and the CIDs of the blocks walked through, root first.
    public static func resolve(
        _ root: CID, path: [String], fetch: (CID) throws -> [UInt8]?
    ) throws(UnixFSPathError) -> (target: CID, traversed: [CID]) {
        var current = root
        var traversed: [CID] = []
        var index = 0
        while index < path.count {
            let block: [UInt8]?
            do { block = try fetch(current) } catch { throw .unavailable(current, "\(error)") }
            guard let block else { throw .unavailable(current, "not in the store") }
            traversed.append(current)
            let (next, consumed) =
                current.codec == .dagCBOR || current.codec == .dagJSON
                ? try step(path[index...], in: block, of: current)
                : (try directoryEntry(path[index], in: block, of: current), 1)
            current = next
            index += consumed
        }
        return (current, traversed)
    }

    /// The link `name` of the UnixFS directory node `block`.
    private static func directoryEntry(_ name: String, in block: [UInt8], of cid: CID) throws(UnixFSPathError) -> CID {
        guard cid.codec == .dagPB, let node = try? DagPBNode(bytes: block),
            let unixfs = try? UnixFSData(bytes: node.data ?? [])
        else { throw .notADirectory(cid) }
        switch unixfs.kind {
        case .directory: break
        case .hamtShard: throw .shardedDirectory(cid)
        default: throw .notADirectory(cid)
        }
        guard let link = node.links.first(where: { $0.name == name }) else { throw .noSuchName(name, in: cid) }
        return link.cid
    }

    /// The link the path leads to inside a dag-cbor or dag-json block, and how many segments that took.
    private static func step(_ path: ArraySlice<String>, in block: [UInt8], of cid: CID) throws(UnixFSPathError)
        -> (CID, Int)
    {
        let end: DAGPath.End
        do { end = try DAGPath.follow(path, in: block, codec: cid.codec) } catch { throw .notADirectory(cid) }
        switch end {
        case .link(let link, let consumed): return (link, consumed)
        case .value: throw .notALink(cid)
        case .missing(let name): throw .noSuchName(name, in: cid)
        }
    }
}

/// Why a path did not resolve.
public enum UnixFSPathError: Error, Equatable, Sendable, CustomStringConvertible {
    case notADirectory(CID)
    case noSuchName(String, in: CID)
    case shardedDirectory(CID)
    /// The path ends inside a dag-cbor or dag-json block at a value that is not a link.
    case notALink(CID)
    case unavailable(CID, String)

    public var description: String {
        switch self {
        case .notADirectory(let cid): "\(cid) is not a UnixFS directory"
        case .noSuchName(let name, let cid): "no link named '\(name)' in \(cid)"
        case .shardedDirectory(let cid): "\(cid) is a sharded (HAMT) directory, which is not resolved yet"
        case .notALink(let cid): "the path ends inside \(cid) at a value that is not a link, which is not read yet"
        case .unavailable(let cid, let reason): "\(cid) is not available: \(reason)"
        }
    }
}
