import Hashing
import System
import Testing

@testable import Cache

@Suite struct CARTests {
    /// A CAR in memory, fed to the reader in pieces of `piece` bytes.
    static func reader(_ bytes: [UInt8], piece: Int = 7) throws(CARError) -> CARReader {
        var offset = 0
        return try CARReader(maximumBlockBytes: 1 << 20) { _ in
            defer { offset = min(offset + piece, bytes.count) }
            return Array(bytes[offset..<min(offset + piece, bytes.count)])
        }
    }

    static func export(_ root: CID, _ blocks: [CID: [UInt8]]) throws -> [UInt8] {
        var out: [UInt8] = []
        try CARExport.write(root: root, fetch: { blocks[$0] }, sink: { out += $0 })
        return out
    }

    @Test func exportThenReadGivesTheDAGDepthFirstOnce() throws {
        let options = UnixFSImporter.Options(chunkSize: 10, maxLinks: 3, rawLeaves: true, cidVersion: .v1)
        let bytes = UnixFSImportTests.randomBytes(95, seed: 1) + [UInt8](repeating: 0, count: 20)  // two equal leaves
        let (result, blocks) = try UnixFSImportTests.imported(bytes, options: options)
        let car = try Self.export(result.root, blocks)
        var reader = try Self.reader(car)
        #expect(reader.roots == [result.root])
        var order: [CID] = []
        while let (cid, block) = try reader.next() {
            #expect(blocks[cid] == block)
            order.append(cid)
        }
        #expect(Set(order.map(\.multihash)).count == order.count, "no duplicates")
        #expect(Set(order) == Set(blocks.keys))
        #expect(order.first == result.root)
        // Depth-first: each node comes right before its first child.
        let rootNode = try DagPBNode(bytes: try #require(blocks[result.root]))
        #expect(order[1] == rootNode.links[0].cid)
    }

    @Test func headerEncodingIsCanonicalDagCBOR() throws {
        let root = try CID.sha256(Array("x".utf8))
        // PyPI dag-cbor 0.3.3: dag_cbor.encode({"roots": [root], "version": 1}).
        let expected =
            "a265726f6f747381d82a582500015512202d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a48816776"
            + "657273696f6e01"
        #expect(CARFormat.header(roots: [root]) == [58] + (try #require(Hex.decode(expected, prefix: .forbidden))))
    }

    @Test func lyingBlocksAndBadFramingAreRefused() throws {
        let cid = try CID.sha256(Array("real".utf8))
        let good = CARFormat.header(roots: [cid]) + CARFormat.section(cid: cid, block: Array("real".utf8))
        var reader = try Self.reader(good)
        #expect(try reader.next()?.cid == cid)
        #expect(try reader.next() == nil)

        let lying = CARFormat.header(roots: [cid]) + CARFormat.section(cid: cid, block: Array("fake".utf8))
        var liar = try Self.reader(lying)
        #expect(throws: CARError.hashMismatch(cid)) { try liar.next() }

        var truncated = try Self.reader(Array(good.dropLast(2)))
        #expect(throws: CARError.truncated) { try truncated.next() }

        var huge = try Self.reader(CARFormat.header(roots: [cid]) + Varint.encode(1 << 40))
        #expect(throws: CARError.self) { try huge.next() }

        let badHeaders: [[UInt8]] = [
            [], [0x00], Varint.encode(3) + [0xA1, 0x61, 0x78],
            Varint.encode(UInt64(CARFormat.maximumHeaderBytes + 1)),
            { () -> [UInt8] in  // version 2
                var header = CARFormat.header(roots: [])
                header[header.count - 1] = 0x02
                return header
            }(),
        ]
        for header in badHeaders {
            #expect(throws: CARError.self, "\(header)") { try Self.reader(header) }
        }
    }
}
