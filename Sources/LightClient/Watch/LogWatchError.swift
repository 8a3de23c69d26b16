/// Why a log watcher stopped.
public enum LogWatchError: Error, Sendable, Equatable {
    /// A reorganization went deeper than every kept block hash: none of them is on the new branch.
    case reorgBeyondKeptBlocks(oldestKept: UInt64?)
    /// The node refuses even a one-block range as too large.
    case rangeCannotShrink(block: UInt64)
    /// The node returned a log outside the requested range.
    case logOutsideRange(first: UInt64, last: UInt64, found: UInt64)
    /// The node's logs kept disagreeing with its block hashes after several attempts.
    case inconsistentLogs(block: UInt64, expected: [UInt8], found: [UInt8])
    /// A block number does not fit the cursor store (SQLite integers are signed 64-bit).
    case blockNumberTooLarge(UInt64)
}
