import Foundation
import TestSupport
import Testing

@testable import Cache

/// CIDs checked against Debian's `ipfs-cid` tool (`/usr/bin/ipfs_cid`, kubo's default `ipfs add` layout: CIDv0,
/// dag-pb leaves, 256 KiB chunks, 174 links) run on the same bytes in the same test.
@Suite struct UnixFSImportTests {
    static let ipfsCID = "/usr/bin/ipfs_cid"

    /// Imports `bytes` in pieces of `feed` bytes; returns the result and the emitted blocks.
    static func imported(
        _ bytes: [UInt8], options: UnixFSImporter.Options, feed: Int = 100_003
    ) throws -> (UnixFSImporter.Result, [CID: [UInt8]]) {
        var blocks: [CID: [UInt8]] = [:]
        var importer = UnixFSImporter(options: options) { cid, block in blocks[cid] = block }
        var offset = 0
        while offset < bytes.count {
            try importer.write(bytes[offset..<min(offset + feed, bytes.count)])
            offset += feed
        }
        return (try importer.finish(), blocks)
    }

    /// `ipfs_cid FILE`'s CIDv0.
    static func referenceCID(of bytes: [UInt8]) throws -> String {
        #expect(FileManager.default.isExecutableFile(atPath: ipfsCID), "install Debian's ipfs-cid (scripts/setup does)")
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("unixfs-\(UUID().uuidString)")
        try Data(bytes).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ipfsCID)
        process.arguments = [file.path]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let json = try JSONSerialization.jsonObject(with: data) as? [String: String]
        return try #require(json?["CIDv0"])
    }

    static func randomBytes(_ count: Int, seed: UInt64) -> [UInt8] {
        var generator = SplitMix64(seed: seed)
        var bytes = [UInt8](repeating: 0, count: count)
        for index in stride(from: 0, to: count, by: 8) {
            let word = generator.next()
            for offset in 0..<min(8, count - index) {
                bytes[index + offset] = UInt8(truncatingIfNeeded: word >> (8 * offset))
            }
        }
        return bytes
    }

    static let chunk = 256 << 10

    @Test(arguments: [0, 1, 11, chunk - 1, chunk, chunk + 1, 3 * chunk + 17, 174 * chunk, 174 * chunk + 1])
    func legacyLayoutMatchesIpfsCid(size: Int) throws {
        let bytes = Self.randomBytes(size, seed: UInt64(size) &+ 7)
        let (result, blocks) = try Self.imported(bytes, options: .kuboLegacy)
        #expect(result.root.description == (try Self.referenceCID(of: bytes)), "size \(size)")
        #expect(result.fileSize == UInt64(size))
        #expect(blocks[result.root] != nil)
        for (cid, block) in blocks { #expect(cid.multihash.matches(block)) }
    }

    @Test func helloWorldWithRawLeavesIsTheRawBlock() throws {
        let (result, blocks) = try Self.imported(Array("hello world".utf8), options: .kuboV1)
        #expect(result.root.description == "bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e")
        #expect(blocks.count == 1 && result.dagSize == 11)
        let (empty, _) = try Self.imported([], options: .kuboV1)
        #expect(empty.root.description == "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku")
    }

    @Test func treeShapeFollowsMaxLinks() throws {
        let options = UnixFSImporter.Options(chunkSize: 4, maxLinks: 3, rawLeaves: true, cidVersion: .v1)
        // 10 chunks with 3 links per node: 4 level-1 nodes (3+3+3+1), 2 level-2 (3+1), 1 root.
        let (result, blocks) = try Self.imported(Array(repeating: 7, count: 38) + [1, 2], options: options, feed: 5)
        #expect(result.fileSize == 40)
        let root = try DagPBNode(bytes: try #require(blocks[result.root]))
        #expect(root.links.count == 2)
        let unixfs = try UnixFSData(bytes: try #require(root.data))
        #expect(unixfs.kind == .file && unixfs.fileSize == 40 && unixfs.blockSizes == [36, 4])
        #expect(blocks.values.filter { $0.count == 4 }.count >= 2, "raw leaves of 4 bytes (identical ones dedupe)")
    }
}
