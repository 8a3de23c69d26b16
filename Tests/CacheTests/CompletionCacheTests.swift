import SQLite
import Synchronization
import Testing

@testable import Cache

/// A clock the test sets.
final class ManualClock: Sendable {
    private let value = Atomic<Int64>(1_000_000)
    func now() -> Int64 { value.load(ordering: .relaxed) }
    func advance(milliseconds: Int64) { value.add(milliseconds, ordering: .relaxed) }
}

@Suite struct CompletionCacheTests {
    static func cache(_ settings: CompletionCache.Settings, clock: ManualClock) throws -> (CompletionCache, BlockStore)
    {
        let database = try Database.inMemory()
        try database.migrate([
            Migration(version: 1, sql: BlockStore.schema), Migration(version: 2, sql: CompletionCache.schema),
        ])
        let blocks = BlockStore(database: database)
        return (CompletionCache(database: database, blocks: blocks, settings: settings) { clock.now() }, blocks)
    }

    static func key(_ byte: UInt8) -> [UInt8] {
        (0..<32).map { UInt8(truncatingIfNeeded: Int($0) &* 31 &+ Int(byte) &* 97) }
    }

    @Test func storesLooksUpAndExpires() throws {
        let clock = ManualClock()
        let (cache, blocks) = try Self.cache(.init(ttlSeconds: 60, admitAfter: 1), clock: clock)
        #expect(cache.lookup(Self.key(1)) == nil)
        try cache.store(Self.key(1), value: Array("answer".utf8))
        #expect(cache.lookup(Self.key(1)) == Array("answer".utf8))
        #expect(try blocks.pins().count == 1, "cached answers are pinned")
        clock.advance(milliseconds: 61_000)
        #expect(cache.lookup(Self.key(1)) == nil, "expired")
        let stats = try cache.stats()
        #expect(stats.hits == 1 && stats.misses == 2)
    }

    @Test func evictsLeastRecentlyUsedWithinEntryAndByteBounds() throws {
        let clock = ManualClock()
        let (cache, blocks) = try Self.cache(.init(maxEntries: 2, maxBytes: 10, admitAfter: 1), clock: clock)
        for byte in UInt8(1)...3 {
            try cache.store(Self.key(byte), value: [byte, byte])
            clock.advance(milliseconds: 10)
            if byte == 2 { _ = cache.lookup(Self.key(1)) }  // key 1 becomes more recent than key 2
        }
        #expect(
            cache.lookup(Self.key(2)) == nil && cache.lookup(Self.key(1)) != nil && cache.lookup(Self.key(3)) != nil)
        try cache.store(Self.key(4), value: [UInt8](repeating: 4, count: 9))  // bytes: 9 + 2 > 10
        #expect(try cache.stats().entries == 1)
        #expect(try blocks.pins().count == 1, "evicted answers are unpinned")
        try cache.clear()
        #expect(try cache.stats().entries == 0 && blocks.pins().isEmpty)
    }

    @Test func admissionNeedsRepeatedSightings() throws {
        let (cache, _) = try Self.cache(.init(admitAfter: 3), clock: ManualClock())
        #expect(!cache.admit(Self.key(9)))
        #expect(!cache.admit(Self.key(9)))
        #expect(cache.admit(Self.key(9)))
        #expect(!cache.admit(Self.key(10)))
    }
}
