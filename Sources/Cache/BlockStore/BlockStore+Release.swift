public import SQLite
import Synchronization

extension BlockStore {
    /// Deletes those of `cids` that no pin protects and that nobody used at or after `checkedAt` less the
    /// last-use resolution: the blocks of pruned tasks, once the caller (at `checkedAt`, see `now`) found that no
    /// remaining task refers to them.
    ///
    /// The time bound closes the race with a task written after that check: storing an existing block either
    /// records its use (then it is newer than the bound) or skips that because its last use is within the
    /// resolution (then it is newer than the bound too), so a block in use again is kept.
    @discardableResult
    public func release(_ cids: [CID], checkedAt: Int64) throws(BlockStoreError) -> Collection {
        let protected = try protectedKeys()
        let keys = cids.filter { $0.multihash.function != .identity }.map(\.multihash.bytes)
            .filter { !protected.contains($0) }
        guard !keys.isEmpty else { return Collection(removedBlocks: 0, removedBytes: 0) }
        let cutoff = checkedAt - settings.lastUsedResolutionMilliseconds
        defer { hot.withLock { $0.removeAll() } }
        return try writing { connection in
            var removed = Collection(removedBlocks: 0, removedBytes: 0)
            for key in keys {
                guard
                    let size = try connection.queryFirst(Self.deleteUnused, [.blob(key), .integer(cutoff)])?
                        .int("size")
                else { continue }
                try connection.execute(Self.uncount, [.integer(size)])
                removed.removedBlocks += 1
                removed.removedBytes += size
            }
            return removed
        }
    }

    /// The store's clock now, in milliseconds (for `release`'s `checkedAt`).
    public func now() -> Int64 { clock() }

    private static let deleteUnused = SQL("DELETE FROM blocks WHERE multihash = ? AND last_used < ? RETURNING size")
    private static let uncount = SQL("UPDATE block_totals SET blocks = blocks - 1, bytes = bytes - ?")
}
