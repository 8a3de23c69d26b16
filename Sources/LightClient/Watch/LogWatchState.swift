/// The log watcher's protocol as a value without I/O: each input returns the next `Action` for the driver to
/// perform, and the driver reports the outcome through the matching input.
///
/// One round: `.fetchHead` → `headReceived` → `.fetchBlocks(first, last)` (the range's end blocks) →
/// `blocksReceived` → `.fetchLogs` → `logsReceived` → `.deliver` → (handler returns) `handled`. The cursor only
/// moves in `handled`, so a crash before it re-delivers the range (at-least-once). A first block whose parent hash
/// differs from the kept hash of the block before it starts an ancestor search over the kept hashes, newest first
/// (`.fetchBlock` → `ancestorReceived`), ending in `.deliver(.rewound)` once a kept hash is still canonical.
public struct LogWatchState: Sendable {
    /// What the driver does next.
    public enum Action: Sendable, Equatable {
        /// Ask for the head block number; report with `headReceived`.
        case fetchHead
        /// Nothing confirmed to scan: sleep one poll interval, then `.fetchHead`.
        case waitForBlocks
        /// Fetch blocks `first` and `last` by number; report with `blocksReceived`.
        case fetchBlocks(first: UInt64, last: UInt64)
        /// Fetch the logs of blocks `first...last`; report with `logsReceived` or `rangeTooLarge`.
        case fetchLogs(first: UInt64, last: UInt64)
        /// Fetch block `number` during an ancestor search; report with `ancestorReceived`.
        case fetchBlock(UInt64)
        /// Hand `event` to the handler (skip it for a batch without logs), then report `handled`, then save
        /// `cursor`.
        case deliver(LogWatchEvent)
        /// Stop with `error`.
        case fail(LogWatchError)
    }

    /// Limits of one watcher.
    public struct Settings: Sendable, Equatable {
        /// Blocks that must follow a block before its logs are delivered (0: deliver the head's logs).
        public var confirmations: UInt64
        /// The widest range one `eth_getLogs` asks for.
        public var maxRange: UInt64
        /// How many delivered block hashes to keep for reorg detection.
        public var keptBlocks: Int
        /// Attempts at a range whose logs disagree with its block hashes before giving up.
        public var maxInconsistentAttempts: Int

        /// Creates settings.
        public init(confirmations: UInt64 = 12, maxRange: UInt64 = 2_000, keptBlocks: Int = 256) {
            self.confirmations = confirmations
            self.maxRange = max(1, maxRange)
            self.keptBlocks = max(2, keptBlocks)
            self.maxInconsistentAttempts = 3
        }
    }

    enum Phase: Sendable, Equatable {
        case idle
        case fetchingBlocks(first: UInt64, last: UInt64)
        case fetchingLogs(first: BlockLink, last: BlockLink)
        case searchingAncestor(candidates: [BlockID])
        case delivering(LogWatchEvent)
    }

    /// The settings the state was made with.
    public let settings: Settings
    /// Where the watcher stands; what the driver persists after each `handled`.
    public internal(set) var cursor: LogWatchCursor
    /// The range width in use: `maxRange`, halved on "too many results", doubled back after each delivery.
    public internal(set) var range: UInt64
    var phase = Phase.idle
    var confirmedHead: UInt64?
    var inconsistentAttempts = 0

    /// A watcher at `cursor` (loaded from the store, or a new one at the first block to watch).
    public init(cursor: LogWatchCursor, settings: Settings = Settings()) {
        self.cursor = cursor
        self.settings = settings
        self.range = settings.maxRange
    }

    /// The first action: ask for the head.
    public mutating func start() -> Action {
        phase = .idle
        return .fetchHead
    }

    /// The head is block `head`: scan the next confirmed range, or wait.
    public mutating func headReceived(_ head: UInt64) -> Action {
        confirmedHead = head >= settings.confirmations ? head - settings.confirmations : nil
        return nextRange()
    }

    /// A request failed for a reason worth retrying later (transport, a node error): wait, then start again.
    public mutating func requestFailed() -> Action {
        phase = .idle
        return .waitForBlocks
    }

    mutating func nextRange() -> Action {
        guard let confirmedHead, cursor.nextBlock <= confirmedHead else {
            phase = .idle
            return .waitForBlocks
        }
        let first = cursor.nextBlock
        let last = first + min(range - 1, confirmedHead - first)
        phase = .fetchingBlocks(first: first, last: last)
        return .fetchBlocks(first: first, last: last)
    }
}
