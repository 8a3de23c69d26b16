/// Where a watcher stands: the next block to scan and the hashes of recent blocks it delivered (to notice a
/// reorganization by a parent-hash mismatch, even after a restart).
public struct LogWatchCursor: Sendable, Hashable {
    /// The first block not yet delivered.
    public var nextBlock: UInt64
    /// Delivered blocks whose hashes are kept, by ascending number, at most one per number.
    public private(set) var recentBlocks: [BlockID]

    /// A cursor at `nextBlock` remembering `recentBlocks` (sorted and deduplicated here).
    public init(nextBlock: UInt64, recentBlocks: [BlockID] = []) {
        self.nextBlock = nextBlock
        var byNumber: [UInt64: BlockID] = [:]
        for block in recentBlocks { byNumber[block.number] = block }
        self.recentBlocks = byNumber.values.sorted { $0.number < $1.number }
    }

    /// The kept hash of block `number`, if any.
    public func hash(of number: UInt64) -> [UInt8]? {
        recentBlocks.last { $0.number == number }?.hash
    }

    /// Keeps `blocks`' hashes (replacing older ones of the same numbers), then only the newest `limit`.
    mutating func remember(_ blocks: [BlockID], limit: Int) {
        self = LogWatchCursor(nextBlock: nextBlock, recentBlocks: recentBlocks + blocks)
        recentBlocks.removeFirst(max(0, recentBlocks.count - limit))
    }

    /// Forgets every kept block above `number`.
    mutating func forget(above number: UInt64) {
        recentBlocks.removeAll { $0.number > number }
    }
}
