import SQLite
import Testing

@testable import Cache

@Suite struct HotBlocksTests {
    private static let limits = HotBlocks.Limits(
        maxBytes: 100, maxEntries: 3, maxBlockBytes: 60, lifetimeMilliseconds: 1000)

    private func miss(_ cache: inout HotBlocks, _ key: UInt8, now: Int64) -> UInt64? {
        if case .miss(let generation) = cache.lookup([key], now: now) { generation } else { nil }
    }

    @Test func aKeptBlockIsServedUntilItsLifetimeEnds() throws {
        var cache = HotBlocks(limits: Self.limits)
        let generation = try #require(miss(&cache, 1, now: 0))
        cache.keep([1, 2, 3], for: [1], generation: generation, now: 0)
        #expect(cache.lookup([1], now: 999) == .hit([1, 2, 3]))
        #expect(cache.lookup([1], now: 1000) == .miss(generation: generation))
        #expect(cache.heldBytes == 0)
    }

    @Test func aClockThatWentBackExpiresEntries() throws {
        var cache = HotBlocks(limits: Self.limits)
        cache.keep([1], for: [1], generation: try #require(miss(&cache, 1, now: 500)), now: 500)
        #expect(cache.lookup([1], now: 499) != .hit([1]))
    }

    @Test func aReadThatRacedWithADeleteIsNotKept() throws {
        var cache = HotBlocks(limits: Self.limits)
        let before = try #require(miss(&cache, 1, now: 0))
        cache.removeAll()  // a delete committed while the read ran
        cache.keep([9], for: [1], generation: before, now: 0)
        #expect(cache.lookup([1], now: 1) != .hit([9]))
    }

    @Test func bytesEntriesAndBlockSizeAreBounded() throws {
        var cache = HotBlocks(limits: Self.limits)
        let generation = try #require(miss(&cache, 0, now: 0))
        cache.keep([UInt8](repeating: 0, count: 61), for: [0], generation: generation, now: 0)  // too large
        cache.keep([UInt8](repeating: 1, count: 50), for: [1], generation: generation, now: 0)
        cache.keep([UInt8](repeating: 2, count: 50), for: [2], generation: generation, now: 10)
        cache.keep([UInt8](repeating: 3, count: 1), for: [3], generation: generation, now: 20)  // no room: 101 bytes
        #expect(cache.heldBytes == 100)
        #expect(cache.lookup([0], now: 30) != .hit([UInt8](repeating: 0, count: 61)))
        #expect(cache.lookup([3], now: 30) == .miss(generation: generation))
        // Once the first entries expire, their room is reused.
        cache.keep([UInt8](repeating: 3, count: 1), for: [3], generation: generation, now: 1005)
        #expect(cache.lookup([3], now: 1006) == .hit([3]))
        #expect(cache.lookup([2], now: 1006) == .hit([UInt8](repeating: 2, count: 50)))
        #expect(cache.heldBytes == 51)
    }

    @Test func entriesAreBoundedByCount() throws {
        var cache = HotBlocks(limits: Self.limits)
        let generation = try #require(miss(&cache, 0, now: 0))
        for key in UInt8(1)...4 { cache.keep([key], for: [key], generation: generation, now: 0) }
        #expect(cache.lookup([4], now: 1) == .miss(generation: generation))
        #expect(cache.heldBytes == 3)
    }
}

@Suite struct BlockStoreHotCacheTests {
    private static func store(clock: ManualClock) throws -> (BlockStore, Database) {
        let database = try Database.inMemory()
        try database.migrate(BlockStore.migrations())
        return (BlockStore(database: database) { clock.now() }, database)
    }

    @Test func aBlockRemovedByAnotherWriterIsSeenOneLifetimeLate() throws {
        let clock = ManualClock()
        let (store, database) = try Self.store(clock: clock)
        let cid = try store.put(Array("popular".utf8))
        #expect(try store.get(cid) == Array("popular".utf8))
        // Another process sharing the database (the CLI's gc) removes the row.
        try database.write { try $0.execute("DELETE FROM blocks") }
        #expect(try store.get(cid) == Array("popular".utf8))
        clock.advance(milliseconds: store.settings.hotCacheLifetimeMilliseconds)
        #expect(try store.get(cid) == nil)
    }

    @Test func thisStoresDeletesAndCollectionsAreSeenAtOnce() throws {
        let (store, _) = try Self.store(clock: ManualClock())
        let first = try store.put(Array("first".utf8))
        let second = try store.put(Array("second".utf8))
        #expect(try store.get(first) != nil && store.get(second) != nil)
        #expect(try store.delete(first))
        #expect(try store.get(first) == nil)
        #expect(try store.collectGarbage().removedBlocks == 1)
        #expect(try store.get(second) == nil)
    }

    @Test func aMissIsNotRemembered() throws {
        let (store, _) = try Self.store(clock: ManualClock())
        let data = Array("later".utf8)
        let cid = try CID.sha256(data)
        #expect(try store.get(cid) == nil)
        try store.put(data)
        #expect(try store.get(cid) == data)
    }
}
