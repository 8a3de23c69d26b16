/// Resolves a path below a UnixFS directory (`/ipfs/{cid}/a/b.txt`) by link names, one directory node per step.
/// Sharded (HAMT) directories are not resolved yet; they fail with `UnixFSPathError.shardedDirectory`.
public enum UnixFSPath {
    /// The CID the path names and the CIDs of the directory nodes walked through, root first.
    public static func resolve(
        _ root: CID, path: [String], fetch: (CID) throws -> [UInt8]?
    ) throws(UnixFSPathError) -> (target: CID, traversed: [CID]) {
        var current = root
        var traversed: [CID] = []
        for name in path {
            let block: [UInt8]?
            do { block = try fetch(current) } catch { throw .unavailable(current, "\(error)") }
            guard let block else { throw .unavailable(current, "not in the store") }
            guard current.codec == .dagPB, let node = try? DagPBNode(bytes: block),
                let unixfs = try? UnixFSData(bytes: node.data ?? [])
            else { throw .notADirectory(current) }
            switch unixfs.kind {
            case .directory: break
            case .hamtShard: throw .shardedDirectory(current)
            default: throw .notADirectory(current)
            }
            traversed.append(current)
            guard let link = node.links.first(where: { $0.name == name }) else { throw .noSuchName(name, in: current) }
            current = link.cid
        }
        return (current, traversed)
    }
}

/// Why a path did not resolve.
public enum UnixFSPathError: Error, Equatable, Sendable, CustomStringConvertible {
    case notADirectory(CID)
    case noSuchName(String, in: CID)
    case shardedDirectory(CID)
    case unavailable(CID, String)

    public var description: String {
        switch self {
        case .notADirectory(let cid): "\(cid) is not a UnixFS directory"
        case .noSuchName(let name, let cid): "no link named '\(name)' in \(cid)"
        case .shardedDirectory(let cid): "\(cid) is a sharded (HAMT) directory, which is not resolved yet"
        case .unavailable(let cid, let reason): "\(cid) is not available: \(reason)"
        }
    }
}
