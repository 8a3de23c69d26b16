import Cache
import HTTPServer

/// A UnixFS DAG as the tar `ipfs get` streams: the root named by `name`, a directory's entries under it in link
/// order, depth first. Memory stays at one window of file bytes and the stack of directories being walked; names
/// from the DAG that could escape the archive's folder (`..`, `/`, NUL) end the stream with an error.
struct UnixFSTar {
    let blocks: BlockStore
    /// File bytes read per write.
    static let window = 1 << 20
    /// The most entries one archive holds: a DAG may link one directory many times over, so the archive of a few
    /// small blocks could otherwise never end.
    static let maximumEntries = 1 << 20

    /// Writes the archive of `root` to `writer`.
    func write(root: CID, name: String, to writer: ResponseBodyWriter) async throws {
        var pending: [(cid: CID, path: String, depth: Int)] = [(root, name, 0)]
        var entries = 0
        while let (cid, path, depth) = pending.popLast() {
            guard depth <= UnixFSReader.maximumDepth else { throw UnixFSError.tooDeep(root) }
            entries += 1
            guard entries <= Self.maximumEntries else { throw KuboReadError.tooManyEntries(root) }
            let entry = try Self.entry(cid, blocks: blocks)
            switch entry {
            case .file(let size):
                try await writer.write(try TarFormat.header(name: path, kind: .file(size: size)))
                try await writeFile(cid, size: size, to: writer)
            case .symlink(let target):
                // Only links that stay inside the archive: a crafted DAG could otherwise point one at `/home/...`
                // and put a directory of the same name after it, for extractors that follow links.
                guard !target.hasPrefix("/"), !target.split(separator: "/").contains("..") else {
                    throw TarError.unsafeLinkTarget(target)
                }
                try await writer.write(try TarFormat.header(name: path, kind: .symlink(target: target)))
            case .directory(let links):
                try await writer.write(try TarFormat.header(name: path, kind: .directory))
                var names = Set<String>()
                for link in links.reversed() {
                    let child = link.name ?? ""
                    guard !child.isEmpty, !child.contains("/"), child != ".", child != ".." else {
                        throw TarError.invalidName(child)
                    }
                    guard names.insert(child).inserted else { throw TarError.duplicateName(child) }
                    pending.append((link.cid, path + "/" + child, depth + 1))
                }
            }
        }
        try await writer.write(TarFormat.end)
    }

    private func writeFile(_ cid: CID, size: UInt64, to writer: ResponseBodyWriter) async throws {
        let reader = UnixFSReader { try blocks.get($0) }
        var offset: UInt64 = 0
        while offset < size {
            let end = min(offset + UInt64(Self.window), size)
            try await writer.write(try reader.bytes(of: cid, range: offset..<end))
            offset = end
        }
        try await writer.write(TarFormat.padding(afterFileOf: size))
    }

    /// What one node of a UnixFS DAG is, as far as the archive cares.
    enum Entry: Equatable {
        case file(size: UInt64)
        case symlink(target: String)
        case directory([DagPBNode.Link])
    }

    /// The entry `cid` is; a block missing here, a non-UnixFS codec or a sharded directory throws.
    static func entry(_ cid: CID, blocks: BlockStore) throws -> Entry {
        guard let block = try blocks.get(cid) else { throw UnixFSError.missingBlock(cid) }
        if cid.codec == .raw { return .file(size: UInt64(block.count)) }
        guard cid.codec == .dagPB else { throw KuboReadError.notUnixFS(cid) }
        let node = try DagPBNode(bytes: block)
        let unixfs = try UnixFSData(bytes: node.data ?? [])
        switch unixfs.kind {
        case .file, .raw:
            return .file(size: try UnixFSReader { try blocks.get($0) }.fileSize(of: cid))
        case .directory:
            return .directory(node.links)
        case .symlink:
            return .symlink(target: String(decoding: unixfs.data ?? [], as: UTF8.self))
        case .hamtShard:
            throw KuboReadError.shardedDirectory(cid)
        case .metadata:
            throw KuboReadError.notUnixFS(cid)
        }
    }
}

/// Why a kubo read cannot go on (mapped to kubo's error JSON by the routes).
enum KuboReadError: Error, Equatable, CustomStringConvertible {
    /// The node is not a UnixFS file, directory or symlink.
    case notUnixFS(CID)
    /// Sharded (HAMT) directories are not walked yet.
    case shardedDirectory(CID)
    /// `cat` of something that is not a UnixFS file.
    case notAFile(CID)
    /// `dag/get` cannot show this codec as DAG-JSON yet.
    case unsupportedConversion(Multicodec)
    /// A stored block that does not decode as its codec.
    case corrupt(String)
    /// `get` of a DAG with more than `UnixFSTar.maximumEntries` entries.
    case tooManyEntries(CID)

    /// The HTTP status: what we do not implement yet is 501, a node of the wrong kind 400.
    var status: Int {
        switch self {
        case .shardedDirectory, .unsupportedConversion, .tooManyEntries: 501
        case .notUnixFS, .notAFile: 400
        case .corrupt: 500
        }
    }

    var description: String {
        switch self {
        case .notAFile(let cid): "\(cid) is not a UnixFS file"
        case .unsupportedConversion(let codec):
            "\(codec) nodes are not converted to dag-json yet; ask for output-codec=\(codec)"
        case .corrupt(let reason): "stored node does not decode: \(reason)"
        case .tooManyEntries(let cid): "\(cid) holds more than \(UnixFSTar.maximumEntries) entries"
        case .notUnixFS(let cid): "\(cid) is \(cid.codec), not a UnixFS node"
        case .shardedDirectory(let cid): "\(cid) is a sharded (HAMT) directory, which is not read yet"
        }
    }
}
