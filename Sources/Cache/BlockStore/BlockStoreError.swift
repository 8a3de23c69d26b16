/// Why a block store operation was refused or failed.
public enum BlockStoreError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The bytes do not hash to the CID they were offered under; nothing was stored.
    case hashMismatch(CID)
    /// A block larger than the store accepts.
    case blockTooLarge(size: Int, limit: Int)
    /// A pin or walk needs blocks that are not in the store.
    case missingBlocks([CID])
    /// The block is pinned (directly or through a recursive pin) and cannot be deleted.
    case pinned(CID)
    /// A stored block could not be decoded for its links.
    case corruptBlock(CID, String)
    /// The database failed.
    case storage(String)
    /// The write needs space the state directory may not take (its cap, or the disk, is full); reads go on.
    case storageFull

    public var description: String {
        switch self {
        case .hashMismatch(let cid): "the bytes do not match \(cid)"
        case .blockTooLarge(let size, let limit): "block of \(size) bytes exceeds the \(limit)-byte limit"
        case .missingBlocks(let cids):
            "missing \(cids.count == 1 ? "block" : "blocks") \(cids.prefix(3).map(\.description).joined(separator: ", "))"
                + (cids.count > 3 ? " and \(cids.count - 3) more" : "")
        case .pinned(let cid): "\(cid) is pinned"
        case .corruptBlock(let cid, let reason): "stored block \(cid) is unreadable: \(reason)"
        case .storage(let message): "block store: \(message)"
        case .storageFull: "block store: the state directory is full"
        }
    }
}
