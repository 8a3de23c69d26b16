import SQLite
import Synchronization
import Testing

@testable import Cache

/// A clock that moves one millisecond per reading.
final class TestClock: Sendable {
    private let value = Atomic<Int64>(1_000)
    func tick() -> Int64 { value.add(1, ordering: .relaxed).newValue }
}

/// A block store on a fresh in-memory database with a test clock.
struct TestStore {
    let store: BlockStore

    init(settings: BlockStore.Settings = .init()) throws {
        let database = try Database.inMemory()
        try database.migrate(BlockStore.migrations())
        let clock = TestClock()
        store = BlockStore(database: database, settings: settings) { clock.tick() }
    }
}

@Suite struct BlockStoreTests {
    @Test func putVerifiesAndGetReturnsTheBytes() throws {
        let store = try TestStore().store
        let cid = try store.put(Array("hello world".utf8))
        #expect(cid.description == "bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e")
        #expect(try store.get(cid) == Array("hello world".utf8))
        #expect(try store.has(cid) && store.size(of: cid) == 11)
        // The same bytes as dag-pb CIDv0 or CIDv1 share the row (blocks are keyed by multihash).
        #expect(try store.get(CID(v0: cid.multihash)) == Array("hello world".utf8))
        #expect(try store.put(Array("hello world".utf8), as: cid) == false)
        #expect(try store.stats() == .init(blocks: 1, bytes: 11, pins: 0, quotaBytes: nil))
    }

    @Test func wrongBytesAreNeverStored() throws {
        let store = try TestStore().store
        let cid = try CID.sha256(Array("right".utf8))
        #expect(throws: BlockStoreError.hashMismatch(cid)) { try store.put(Array("wrong".utf8), as: cid) }
        #expect(try store.get(cid) == nil)
        #expect(try store.stats().blocks == 0)
    }

    @Test func identityBlocksAreInline() throws {
        let store = try TestStore().store
        let cid = try CID(codec: .raw, multihash: .identity(of: Array("hi".utf8)))
        #expect(try store.put(Array("hi".utf8), as: cid) == false)
        #expect(try store.get(cid) == Array("hi".utf8))
        #expect(try store.stats().blocks == 0)
    }

    @Test func oversizedBlocksAreRefused() throws {
        let store = try TestStore(settings: .init(maxBlockBytes: 8)).store
        #expect(throws: BlockStoreError.blockTooLarge(size: 9, limit: 8)) {
            try store.put([UInt8](repeating: 1, count: 9))
        }
    }

    @Test func recursivePinsNeedTheWholeDAGAndProtectIt() throws {
        let store = try TestStore().store
        let leaves = try (0..<3).map { try store.put(Array("leaf \($0)".utf8)) }
        let missing = try CID.sha256(Array("never stored".utf8))
        let partial = DagPBNode(links: (leaves + [missing]).map { .init(cid: $0) })
        let partialRoot = try store.put(partial.bytes, codec: .dagPB)
        #expect(throws: BlockStoreError.missingBlocks([missing])) { try store.pin(partialRoot, recursive: true) }
        try store.pin(partialRoot, recursive: false)  // a direct pin needs only the root

        let root = try store.put(DagPBNode(links: leaves.map { .init(cid: $0) }).bytes, codec: .dagPB)
        try store.pin(root, recursive: true)
        #expect(try store.pins().map(\.cid) == [partialRoot, root])
        #expect(throws: BlockStoreError.pinned(leaves[1])) { try store.delete(leaves[1]) }
        let collected = try store.collectGarbage()
        #expect(collected.removedBlocks == 0, "every block is pinned directly or through the recursive pin")

        #expect(try store.unpin(root))
        #expect(try !store.unpin(root))
        #expect(try store.collectGarbage().removedBlocks == 4)  // the three leaves and the root; partialRoot stays
        #expect(try store.stats().blocks == 1)
        #expect(try store.has(partialRoot))
    }

    @Test func quotaEvictsLeastRecentlyUsedUnpinnedBlocks() throws {
        let store = try TestStore(settings: .init(quotaBytes: 1_000, collectionTarget: 0.5)).store
        let blocks = try (0..<9).map { index in try store.put([UInt8](repeating: UInt8(index), count: 100)) }
        try store.pin(blocks[0], recursive: false)
        _ = try store.get(blocks[1])  // recently used: survives
        let extra = try store.put([UInt8](repeating: 0xEE, count: 200))  // 1,100 bytes > quota: collect to 500
        let stats = try store.stats()
        #expect(stats.bytes <= 500)
        #expect(try store.has(blocks[0]), "pinned")
        #expect(try store.has(blocks[1]), "recently read")
        #expect(try store.has(extra), "just written")
        #expect(try !store.has(blocks[2]) && !store.has(blocks[3]), "least recently used go first")
    }

    /// Storing a block again records its use only once the recorded one is `lastUsedResolutionMilliseconds` old
    /// (the test clock moves 1 ms a reading): the order garbage collection sees.
    @Test(arguments: [(resolution: Int64(1), rePutSurvives: true), (resolution: Int64(1_000), rePutSurvives: false)])
    func storingAgainRecordsTheUseOncePerResolution(resolution: Int64, rePutSurvives: Bool) throws {
        let store = try TestStore(settings: .init(lastUsedResolutionMilliseconds: resolution)).store
        let first = [UInt8](repeating: 1, count: 100)
        let firstCID = try store.put(first)
        let second = try store.put([UInt8](repeating: 2, count: 100))
        #expect(try store.put(first, as: firstCID) == false)
        #expect(try store.collectGarbage(downTo: 100).removedBlocks == 1)
        #expect(try store.has(firstCID) == rePutSurvives)
        #expect(try store.has(second) == !rePutSurvives)
        #expect(try store.stats().blocks == 1)
    }

    @Test func collectionStopsWhenOnlyPinnedBlocksRemain() throws {
        let store = try TestStore().store
        let pinned = try store.put([1, 2, 3])
        try store.pin(pinned, recursive: true)
        _ = try store.put([4, 5, 6])
        #expect(try store.collectGarbage(downTo: 0) == .init(removedBlocks: 1, removedBytes: 3))
        #expect(try store.stats().bytes == 3)
    }
}
