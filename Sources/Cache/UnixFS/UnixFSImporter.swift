/// Imports bytes as a UnixFS file: fixed-size chunks under a balanced tree of dag-pb nodes, emitted block by
/// block as the input streams in (memory: one chunk plus one pending node per tree level).
///
/// The layout is go-unixfs's balanced builder, so CIDs match kubo's for the same options: a one-chunk file is
/// its leaf; otherwise leaves fill nodes of `maxLinks` children, full nodes fill the next level, and the root
/// is the single node left at the top.
public struct UnixFSImporter {
    /// Chunking and encoding choices.
    public struct Options: Sendable, Equatable {
        public var chunkSize: Int
        public var maxLinks: Int
        /// Leaves as raw blocks (CIDv1 raw) instead of dag-pb UnixFS file nodes.
        public var rawLeaves: Bool
        public var cidVersion: CID.Version

        public init(chunkSize: Int, maxLinks: Int, rawLeaves: Bool, cidVersion: CID.Version) {
            precondition(chunkSize > 0 && maxLinks > 1, "chunks need bytes and nodes need at least two links")
            precondition(cidVersion == .v1 || !rawLeaves, "raw leaves need CIDv1")
            self.chunkSize = chunkSize
            self.maxLinks = maxLinks
            self.rawLeaves = rawLeaves
            self.cidVersion = cidVersion
        }

        /// kubo's `ipfs add --cid-version=1 --raw-leaves`: 256 KiB chunks, 174 links per node (the default here).
        public static let kuboV1 = Options(chunkSize: 256 << 10, maxLinks: 174, rawLeaves: true, cidVersion: .v1)
        /// The `unixfs-v1-2025` profile: 1 MiB chunks, 1024 links, raw leaves, CIDv1.
        public static let unixfsV1_2025 = Options(chunkSize: 1 << 20, maxLinks: 1024, rawLeaves: true, cidVersion: .v1)
        /// kubo's historical default `ipfs add`: CIDv0, dag-pb leaves.
        public static let kuboLegacy = Options(chunkSize: 256 << 10, maxLinks: 174, rawLeaves: false, cidVersion: .v0)
    }

    /// The imported file.
    public struct Result: Sendable, Equatable {
        public var root: CID
        /// The file's bytes.
        public var fileSize: UInt64
        /// All blocks of the DAG together (what kubo's `Size` reports).
        public var dagSize: UInt64
    }

    private struct PendingLink {
        var cid: CID
        var fileSize: UInt64
        var dagSize: UInt64
    }

    public let options: Options
    private let emit: (CID, [UInt8]) throws -> Void
    private var chunk: [UInt8] = []
    private var levels: [[PendingLink]] = [[]]  // levels[0]: leaves waiting for their parent

    /// An importer that hands every finished block to `emit` (e.g. a block store's put).
    public init(options: Options = .kuboV1, emit: @escaping (CID, [UInt8]) throws -> Void) {
        self.options = options
        self.emit = emit
        chunk.reserveCapacity(options.chunkSize)
    }

    /// Adds file bytes.
    public mutating func write(_ bytes: some Collection<UInt8>) throws {
        var rest = bytes[...]
        while !rest.isEmpty {
            let take = min(options.chunkSize - chunk.count, rest.count)
            chunk += rest.prefix(take)
            rest = rest.dropFirst(take)
            if chunk.count == options.chunkSize { try flushChunk() }
        }
    }

    /// Ends the file and returns its root.
    public mutating func finish() throws -> Result {
        if !chunk.isEmpty || levels[0].isEmpty && levels.count == 1 { try flushChunk() }
        var level = 0
        while true {
            let isTop = levels[(level + 1)...].allSatisfy(\.isEmpty)
            if isTop && levels[level].count == 1 {
                let root = levels[level][0]
                return Result(root: root.cid, fileSize: root.fileSize, dagSize: root.dagSize)
            }
            if !levels[level].isEmpty { try flushNode(level: level) }
            level += 1
        }
    }

    private mutating func flushChunk() throws {
        let data = chunk
        chunk.removeAll(keepingCapacity: true)
        let link: PendingLink
        if options.rawLeaves {
            let cid = try CID.sha256(data, codec: .raw)
            try emit(cid, data)
            link = PendingLink(cid: cid, fileSize: UInt64(data.count), dagSize: UInt64(data.count))
        } else {
            let unixfs = UnixFSData(kind: .file, data: data.isEmpty ? nil : data, fileSize: UInt64(data.count))
            let block = DagPBNode(data: unixfs.bytes).bytes
            let cid = try nodeCID(block)
            try emit(cid, block)
            link = PendingLink(cid: cid, fileSize: UInt64(data.count), dagSize: UInt64(block.count))
        }
        try add(link, level: 0)
    }

    private mutating func add(_ link: PendingLink, level: Int) throws {
        if levels.count == level { levels.append([]) }
        levels[level].append(link)
        if levels[level].count == options.maxLinks { try flushNode(level: level) }
    }

    /// Wraps the pending links of `level` in a node and passes it up.
    private mutating func flushNode(level: Int) throws {
        let children = levels[level]
        levels[level].removeAll(keepingCapacity: true)
        let fileSize = children.reduce(0) { $0 + $1.fileSize }
        let unixfs = UnixFSData(kind: .file, fileSize: fileSize, blockSizes: children.map(\.fileSize))
        let node = DagPBNode(
            links: children.map { DagPBNode.Link(cid: $0.cid, name: "", totalSize: $0.dagSize) }, data: unixfs.bytes)
        let block = node.bytes
        let cid = try nodeCID(block)
        try emit(cid, block)
        let dagSize = UInt64(block.count) + children.reduce(0) { $0 + $1.dagSize }
        try add(PendingLink(cid: cid, fileSize: fileSize, dagSize: dagSize), level: level + 1)
    }

    private func nodeCID(_ block: [UInt8]) throws -> CID {
        let multihash = Multihash.sha256(of: block)
        return options.cidVersion == .v0 ? try CID(v0: multihash) : try CID(codec: .dagPB, multihash: multihash)
    }
}
