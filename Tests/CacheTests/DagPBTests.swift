import Testing

@testable import Cache

@Suite struct DagPBTests {
    /// Well-known UnixFS nodes and their CIDs (kubo's empty directory and empty file).
    @Test func knownNodesHashToKnownCIDs() throws {
        let emptyDirectory: [UInt8] = [0x0A, 0x02, 0x08, 0x01]
        let node = try DagPBNode(bytes: emptyDirectory)
        #expect(node.links.isEmpty && node.data == [0x08, 0x01])
        #expect(node.bytes == emptyDirectory)
        #expect(
            try CID(v0: .sha256(of: emptyDirectory)).description == "QmUNLLsPACCz1vLxQVkXqqLX5R1X345qqfHbsf67hvA3Nn")
        let emptyFile: [UInt8] = [0x0A, 0x04, 0x08, 0x02, 0x18, 0x00]
        #expect(try DagPBNode(bytes: emptyFile).bytes == emptyFile)
        #expect(try CID(v0: .sha256(of: emptyFile)).description == "QmbFMke1KXqnYyBBWxB74N4c5SBnJMVAiMNRcGu6x1AwQH")
    }

    @Test func linksRoundTrip() throws {
        let child = try CID.sha256(Array("leaf".utf8))
        let node = DagPBNode(
            links: [.init(cid: child, name: "a.txt", totalSize: 4), .init(cid: child.v1)], data: [0x08, 0x02])
        let decoded = try DagPBNode(bytes: node.bytes)
        #expect(decoded == node)
        #expect(try DAGLinks.links(of: try CID.sha256(node.bytes, codec: .dagPB), block: node.bytes) == [child, child])
        #expect(try DAGLinks.links(of: child, block: Array("leaf".utf8)).isEmpty)
    }

    @Test func rejectsNonCanonicalAndMalformedNodes() throws {
        let child = try CID.sha256(Array("leaf".utf8))
        let link = DagPBNode(links: [.init(cid: child)]).bytes
        let data: [UInt8] = [0x0A, 0x01, 0x00]
        let bad: [(String, [UInt8])] = [
            ("data before links", data + link),
            ("two data fields", data + data),
            ("unknown field", [0x1A, 0x00]),
            ("varint wire type", [0x08, 0x01]),
            ("truncated length", [0x0A, 0x05, 0x00]),
            ("link without hash", [0x12, 0x02, 0x18, 0x01]),
            ("link hash not a CID", [0x12, 0x04, 0x0A, 0x02, 0x01, 0x02]),
            ("link fields out of order", [0x12, 0x04, 0x18, 0x01, 0x12, 0x00]),
            ("non-minimal varint", [0x0A, 0x80, 0x00]),
            ("name not UTF-8", DagPBNode.withRawName([0xFF], child)),
        ]
        for (why, bytes) in bad {
            #expect(throws: DagPBError.self, "\(why)") { try DagPBNode(bytes: bytes) }
        }
    }
}

extension DagPBNode {
    /// A node with one link whose name is `name` as raw bytes (which may be invalid UTF-8).
    static func withRawName(_ name: [UInt8], _ cid: CID) -> [UInt8] {
        var link: [UInt8] = []
        ProtobufWriter.lengthDelimited(1, cid.bytes, into: &link)
        ProtobufWriter.lengthDelimited(2, name, into: &link)
        var node: [UInt8] = []
        ProtobufWriter.lengthDelimited(2, link, into: &node)
        return node
    }
}
