import Synchronization
import TestSupport
import Testing

@testable import Cache

@Suite struct UnixFSReaderTests {
    static let small = UnixFSImporter.Options(chunkSize: 16, maxLinks: 4, rawLeaves: true, cidVersion: .v1)

    @Test(arguments: [UnixFSImporter.Options.kuboLegacy, .kuboV1, small])
    func wholeFileAndRangesRoundTrip(options: UnixFSImporter.Options) throws {
        let size = options == Self.small ? 1_000 : 3 * options.chunkSize + 1_234
        let bytes = UnixFSImportTests.randomBytes(size, seed: 42)
        let (result, blocks) = try UnixFSImportTests.imported(bytes, options: options)
        let reader = UnixFSReader { blocks[$0] }
        #expect(try reader.fileSize(of: result.root) == UInt64(size))
        #expect(try reader.bytes(of: result.root) == bytes)
        var generator = SplitMix64(seed: 9)
        for _ in 0..<50 {
            let lower = Int.random(in: 0...size, using: &generator)
            let upper = Int.random(in: lower...size + 10, using: &generator)
            let expected = Array(bytes[lower..<min(upper, size)])
            #expect(try reader.bytes(of: result.root, range: UInt64(lower)..<UInt64(upper)) == expected)
        }
    }

    @Test func aRangeFetchesOnlyTheBlocksItTouches() throws {
        let bytes = UnixFSImportTests.randomBytes(1_000, seed: 3)
        let (result, blocks) = try UnixFSImportTests.imported(bytes, options: Self.small)
        let fetched = Mutex(0)
        let reader = UnixFSReader { cid in
            fetched.withLock { $0 += 1 }
            return blocks[cid]
        }
        #expect(try reader.bytes(of: result.root, range: 500..<510) == Array(bytes[500..<510]))
        // 63 leaves under 4-link nodes: depth 3, so the root, two inner nodes and one or two leaves.
        #expect(fetched.withLock { $0 } <= 5)
    }

    @Test func missingAndCorruptBlocksAreReported() throws {
        let bytes = UnixFSImportTests.randomBytes(100, seed: 5)
        var (result, blocks) = try UnixFSImportTests.imported(bytes, options: Self.small)
        let root = try DagPBNode(bytes: try #require(blocks[result.root]))
        blocks[root.links[1].cid] = nil
        #expect(throws: UnixFSError.missingBlock(root.links[1].cid)) {
            try UnixFSReader { blocks[$0] }.bytes(of: result.root)
        }
        let directory = try CID.sha256(DagPBNode(data: UnixFSData(kind: .directory).bytes).bytes, codec: .dagPB)
        blocks[directory] = DagPBNode(data: UnixFSData(kind: .directory).bytes).bytes
        #expect(throws: UnixFSError.notAFile(directory, .directory)) {
            try UnixFSReader { blocks[$0] }.bytes(of: directory)
        }
        result.root = try CID.sha256([0xFF], codec: .dagPB)
        blocks[result.root] = [0xFF]
        #expect(throws: UnixFSError.self) { try UnixFSReader { blocks[$0] }.bytes(of: result.root) }
    }
}
