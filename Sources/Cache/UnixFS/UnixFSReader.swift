/// Reads UnixFS files back: the bytes of a whole file or of a byte range, block by block, fetching only the
/// blocks the range touches (the `blocksizes` of each node say which children to skip).
public struct UnixFSReader {
    /// Where blocks come from: a block store, or one that also fetches verified blocks from upstream.
    public typealias BlockSource = (CID) throws -> [UInt8]?

    /// The deepest DAG followed (a balanced tree of 174-link nodes is 6 deep at 1 PiB).
    public static let maximumDepth = 32

    private let source: BlockSource
    private let visit: ((CID, [UInt8]) throws -> Void)?

    /// A reader over `source`; `visit`, when given, sees every block a read fetches, in depth-first order
    /// (a trustless gateway's `dag-scope=entity` CAR is exactly those blocks).
    public init(source: @escaping BlockSource, visit: ((CID, [UInt8]) throws -> Void)? = nil) {
        self.source = source
        self.visit = visit
    }

    /// Visits the blocks a read of `range` needs, without producing the bytes.
    public func visitBlocks(_ root: CID, range: Range<UInt64>? = nil) throws {
        try read(root, range: range) { _ in }
    }

    /// The file's size in bytes.
    public func fileSize(of root: CID) throws(UnixFSError) -> UInt64 {
        let block = try fetch(root)
        guard root.codec == .dagPB else { return UInt64(block.count) }
        let (node, unixfs) = try decode(root, block)
        return try Self.size(of: unixfs, node: node)
    }

    /// Passes the bytes of `range` (clamped to the file; the whole file when nil) to `sink`, in order.
    public func read(
        _ root: CID, range: Range<UInt64>? = nil, into sink: (ArraySlice<UInt8>) throws -> Void
    ) throws {
        let wanted = range ?? 0..<UInt64.max
        guard !wanted.isEmpty else {
            if let visit { try visit(root, try fetch(root)) }
            return
        }
        try read(root, offset: 0, wanted: wanted, depth: 0, sink: sink)
    }

    /// The whole file (or `range` of it) as one array; for small files.
    public func bytes(of root: CID, range: Range<UInt64>? = nil) throws -> [UInt8] {
        var out: [UInt8] = []
        try read(root, range: range) { out += $0 }
        return out
    }

    /// Reads the node at file offset `offset`, passing what lies in `wanted`.
    private func read(
        _ cid: CID, offset: UInt64, wanted: Range<UInt64>, depth: Int, sink: (ArraySlice<UInt8>) throws -> Void
    ) throws {
        guard depth <= Self.maximumDepth else { throw UnixFSError.tooDeep(cid) }
        let block = try fetch(cid)
        try visit?(cid, block)
        guard cid.codec == .dagPB else {
            try emit(block[...], at: offset, wanted: wanted, sink: sink)
            return
        }
        let (node, unixfs) = try decode(cid, block)
        var position = offset
        if let data = unixfs.data {
            try emit(data[...], at: position, wanted: wanted, sink: sink)
            position += UInt64(data.count)
        }
        guard !node.links.isEmpty else { return }
        guard unixfs.blockSizes.count == node.links.count else {
            throw UnixFSError.corrupt(cid, "\(node.links.count) links but \(unixfs.blockSizes.count) block sizes")
        }
        for (link, size) in zip(node.links, unixfs.blockSizes) {
            let (end, overflow) = position.addingReportingOverflow(size)
            guard !overflow else { throw UnixFSError.corrupt(cid, "block sizes overflow") }
            if end > wanted.lowerBound && position < wanted.upperBound {
                try read(link.cid, offset: position, wanted: wanted, depth: depth + 1, sink: sink)
            }
            position = end
            if position >= wanted.upperBound { break }
        }
    }

    private func emit(
        _ bytes: ArraySlice<UInt8>, at offset: UInt64, wanted: Range<UInt64>, sink: (ArraySlice<UInt8>) throws -> Void
    ) throws {
        let end = offset + UInt64(bytes.count)
        let lower = max(offset, wanted.lowerBound)
        let upper = min(end, wanted.upperBound)
        guard lower < upper else { return }
        let start = bytes.startIndex + Int(lower - offset)
        try sink(bytes[start..<start + Int(upper - lower)])
    }

    private func fetch(_ cid: CID) throws(UnixFSError) -> [UInt8] {
        let block: [UInt8]?
        do { block = try source(cid) } catch { throw .source(cid, "\(error)") }
        guard let block else { throw .missingBlock(cid) }
        return block
    }

    private func decode(_ cid: CID, _ block: [UInt8]) throws(UnixFSError) -> (DagPBNode, UnixFSData) {
        do {
            let node = try DagPBNode(bytes: block)
            let unixfs = try UnixFSData(bytes: node.data ?? [])
            guard unixfs.kind == .file || unixfs.kind == .raw else { throw UnixFSError.notAFile(cid, unixfs.kind) }
            return (node, unixfs)
        } catch let error as UnixFSError {
            throw error
        } catch {
            throw .corrupt(cid, "\(error)")
        }
    }

    private static func size(of unixfs: UnixFSData, node: DagPBNode) throws(UnixFSError) -> UInt64 {
        if let fileSize = unixfs.fileSize { return fileSize }
        return UInt64(unixfs.data?.count ?? 0) + unixfs.blockSizes.reduce(0, +)
    }
}

/// Why a UnixFS file could not be read.
public enum UnixFSError: Error, Equatable, Sendable, CustomStringConvertible {
    case missingBlock(CID)
    case notAFile(CID, UnixFSData.Kind)
    case corrupt(CID, String)
    case tooDeep(CID)
    case source(CID, String)

    public var description: String {
        switch self {
        case .missingBlock(let cid): "block \(cid) is not available"
        case .notAFile(let cid, let kind): "\(cid) is a UnixFS \(kind), not a file"
        case .corrupt(let cid, let reason): "\(cid) is not a valid UnixFS node: \(reason)"
        case .tooDeep(let cid): "the DAG under \(cid) is deeper than \(UnixFSReader.maximumDepth) levels"
        case .source(let cid, let reason): "fetching \(cid) failed: \(reason)"
        }
    }
}
