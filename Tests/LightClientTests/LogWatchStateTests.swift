import LightClient
import SQLite
import Testing

/// The watcher's protocol without sockets: ranges, confirmations, shrinking, cursor moves, reorg rewinds.
@Suite struct LogWatchStateTests {
    /// A made-up hash for block `number` on branch `branch`.
    static func hash(_ number: UInt64, branch: UInt8 = 0) -> [UInt8] {
        [branch] + [UInt8](repeating: 0, count: 23) + UInt256(number).bigEndianBytes.suffix(8)
    }

    static func link(_ number: UInt64, branch: UInt8 = 0, parentBranch: UInt8? = nil) -> BlockLink {
        BlockLink(
            block: BlockID(number: number, hash: hash(number, branch: branch)),
            parentHash: hash(number == 0 ? 0 : number - 1, branch: parentBranch ?? branch))
    }

    static func log(_ number: UInt64, index: UInt64 = 0, branch: UInt8 = 0) -> WatchedLog {
        WatchedLog(
            address: .zero, topics: [], data: [], block: BlockID(number: number, hash: hash(number, branch: branch)),
            transactionHash: [UInt8](repeating: 7, count: 32), logIndex: index)
    }

    /// Runs one range round from `.fetchBlocks(first, last)` with `logs`, through `handled`.
    static func deliver(
        _ state: inout LogWatchState, _ first: UInt64, _ last: UInt64, logs: [WatchedLog] = []
    ) -> LogWatchState.Action {
        #expect(state.blocksReceived(first: link(first), last: link(last)) == .fetchLogs(first: first, last: last))
        guard case .deliver = state.logsReceived(logs) else {
            Issue.record("expected a delivery")
            return .fetchHead
        }
        return state.handled()
    }

    @Test func rangesAreBoundedByTheWidthAndTheConfirmedHead() {
        var state = LogWatchState(
            cursor: LogWatchCursor(nextBlock: 0), settings: .init(confirmations: 2, maxRange: 10, keptBlocks: 8))
        #expect(state.start() == .fetchHead)
        #expect(state.headReceived(25) == .fetchBlocks(first: 0, last: 9))
        #expect(Self.deliver(&state, 0, 9) == .fetchBlocks(first: 10, last: 19))
        #expect(Self.deliver(&state, 10, 19) == .fetchBlocks(first: 20, last: 23))
        #expect(Self.deliver(&state, 20, 23) == .waitForBlocks)
        #expect(state.cursor.nextBlock == 24)
        #expect(state.start() == .fetchHead)
        #expect(state.headReceived(25) == .waitForBlocks)
        #expect(state.headReceived(26) == .fetchBlocks(first: 24, last: 24))
    }

    @Test func aHeadBelowTheConfirmationDepthWaits() {
        var state = LogWatchState(cursor: LogWatchCursor(nextBlock: 0), settings: .init(confirmations: 12))
        _ = state.start()
        #expect(state.headReceived(11) == .waitForBlocks)
        #expect(state.headReceived(12) == .fetchBlocks(first: 0, last: 0))
    }

    @Test func theCursorMovesOnlyAfterTheHandlerReturned() {
        var state = LogWatchState(cursor: LogWatchCursor(nextBlock: 5), settings: .init(confirmations: 0, maxRange: 4))
        _ = state.start()
        #expect(state.headReceived(8) == .fetchBlocks(first: 5, last: 8))
        _ = state.blocksReceived(first: Self.link(5), last: Self.link(8))
        let logs = [Self.log(7, index: 1), Self.log(6), Self.log(7, index: 0)]
        let batch = LogBatch(
            first: Self.link(5).block, last: Self.link(8).block,
            logs: [Self.log(6), Self.log(7), Self.log(7, index: 1)])
        #expect(state.logsReceived(logs) == .deliver(.logs(batch)))
        #expect(state.cursor.nextBlock == 5)
        _ = state.handled()
        #expect(state.cursor.nextBlock == 9)
        #expect(state.cursor.recentBlocks.map(\.number) == [5, 6, 7, 8])
    }

    @Test func tooManyResultsHalvesTheRangeThenItGrowsBack() {
        var state = LogWatchState(cursor: LogWatchCursor(nextBlock: 0), settings: .init(confirmations: 0, maxRange: 8))
        _ = state.start()
        #expect(state.headReceived(100) == .fetchBlocks(first: 0, last: 7))
        _ = state.blocksReceived(first: Self.link(0), last: Self.link(7))
        #expect(state.rangeTooLarge() == .fetchBlocks(first: 0, last: 3))
        _ = state.blocksReceived(first: Self.link(0), last: Self.link(3))
        #expect(state.rangeTooLarge() == .fetchBlocks(first: 0, last: 1))
        #expect(Self.deliver(&state, 0, 1) == .fetchBlocks(first: 2, last: 5))
        #expect(Self.deliver(&state, 2, 5) == .fetchBlocks(first: 6, last: 13))
    }

    @Test func aOneBlockRangeThatIsStillTooLargeFails() {
        var state = LogWatchState(cursor: LogWatchCursor(nextBlock: 3), settings: .init(confirmations: 0, maxRange: 1))
        _ = state.start()
        #expect(state.headReceived(3) == .fetchBlocks(first: 3, last: 3))
        _ = state.blocksReceived(first: Self.link(3), last: Self.link(3))
        #expect(state.rangeTooLarge() == .fail(.rangeCannotShrink(block: 3)))
    }

    @Test func aParentHashMismatchRewindsToTheNewestKeptBlockStillCanonical() {
        var state = LogWatchState(
            cursor: LogWatchCursor(nextBlock: 0), settings: .init(confirmations: 0, maxRange: 2, keptBlocks: 16))
        _ = state.start()
        #expect(state.headReceived(5) == .fetchBlocks(first: 0, last: 1))
        #expect(Self.deliver(&state, 0, 1) == .fetchBlocks(first: 2, last: 3))
        #expect(Self.deliver(&state, 2, 3, logs: [Self.log(2)]) == .fetchBlocks(first: 4, last: 5))
        // Blocks 2 and 3 were replaced by branch 1: block 4 of branch 1 does not link to the kept block 3.
        #expect(state.blocksReceived(first: Self.link(4, branch: 1), last: Self.link(5, branch: 1)) == .fetchBlock(3))
        #expect(state.ancestorReceived(Self.link(3, branch: 1, parentBranch: 1)) == .fetchBlock(2))
        #expect(state.ancestorReceived(Self.link(2, branch: 1, parentBranch: 0)) == .fetchBlock(1))
        #expect(state.ancestorReceived(Self.link(1)) == .deliver(.rewound(fromBlock: 2)))
        #expect(state.cursor.nextBlock == 2)
        #expect(state.cursor.recentBlocks.map(\.number) == [0, 1])
        #expect(state.handled() == .fetchHead)
        #expect(state.headReceived(6) == .fetchBlocks(first: 2, last: 3))
        #expect(
            state.blocksReceived(first: Self.link(2, branch: 1, parentBranch: 0), last: Self.link(3, branch: 1))
                == .fetchLogs(first: 2, last: 3))
    }

    @Test func aReorgDeeperThanTheKeptBlocksFails() {
        var state = LogWatchState(
            cursor: LogWatchCursor(nextBlock: 0), settings: .init(confirmations: 0, maxRange: 1, keptBlocks: 2))
        _ = state.start()
        _ = state.headReceived(10)
        for number: UInt64 in 0..<4 { _ = Self.deliver(&state, number, number) }
        #expect(state.cursor.recentBlocks.map(\.number) == [2, 3])
        #expect(state.blocksReceived(first: Self.link(4, branch: 1), last: Self.link(4, branch: 1)) == .fetchBlock(3))
        #expect(state.ancestorReceived(Self.link(3, branch: 1)) == .fetchBlock(2))
        #expect(state.ancestorReceived(nil) == .fail(.reorgBeyondKeptBlocks(oldestKept: 2)))
    }

    @Test func logsDisagreeingWithTheRangeEndsAreFetchedAgainThenFail() {
        var state = LogWatchState(cursor: LogWatchCursor(nextBlock: 0), settings: .init(confirmations: 0, maxRange: 4))
        _ = state.start()
        _ = state.headReceived(3)
        for attempt in 1...3 {
            _ = state.blocksReceived(first: Self.link(0), last: Self.link(3))
            let action = state.logsReceived([Self.log(3, branch: 9)])
            if attempt < 3 {
                #expect(action == .fetchBlocks(first: 0, last: 3))
            } else {
                #expect(
                    action == .fail(.inconsistentLogs(block: 3, expected: Self.hash(3), found: Self.hash(3, branch: 9)))
                )
            }
        }
    }

    @Test func aLogOutsideTheRangeFails() {
        var state = LogWatchState(cursor: LogWatchCursor(nextBlock: 0), settings: .init(confirmations: 0, maxRange: 4))
        _ = state.start()
        _ = state.headReceived(3)
        _ = state.blocksReceived(first: Self.link(0), last: Self.link(3))
        #expect(state.logsReceived([Self.log(9)]) == .fail(.logOutsideRange(first: 0, last: 3, found: 9)))
    }

    @Test func aMissingBlockRetriesFromTheHead() {
        var state = LogWatchState(cursor: LogWatchCursor(nextBlock: 0), settings: .init(confirmations: 0))
        _ = state.start()
        _ = state.headReceived(3)
        #expect(state.blocksReceived(first: Self.link(0), last: nil) == .waitForBlocks)
        #expect(state.start() == .fetchHead)
    }

    @Test func theCursorStoreKeepsBlockAndHashesPerName() throws {
        let database = try Database.inMemory()
        try database.migrate([Migration(version: 1, sql: LogCursorStore.schema)])
        let store = LogCursorStore(database: database)
        #expect(try store.load("a") == nil)
        let cursor = LogWatchCursor(
            nextBlock: 42,
            recentBlocks: [BlockID(number: 41, hash: Self.hash(41)), BlockID(number: 40, hash: Self.hash(40))])
        try store.save(cursor, as: "a")
        try store.save(LogWatchCursor(nextBlock: 7), as: "b")
        #expect(try store.load("a") == cursor)
        try store.save(LogWatchCursor(nextBlock: 43, recentBlocks: [BlockID(number: 42, hash: Self.hash(42))]), as: "a")
        #expect(try store.load("a")?.recentBlocks.map(\.number) == [42])
        #expect(try store.load("b") == LogWatchCursor(nextBlock: 7))
        #expect(throws: LogWatchError.blockNumberTooLarge(.max)) {
            try store.save(LogWatchCursor(nextBlock: .max), as: "c")
        }
    }
}
