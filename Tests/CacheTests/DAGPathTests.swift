import Testing

@testable import Cache

/// Paths through dag-cbor and dag-json blocks (map keys and list indexes up to a link), as the gateway-conformance
/// traversal fixtures use them.
@Suite struct DAGPathTests {
    static func resolve(_ car: ConformanceCAR, from root: CID? = nil, _ path: String) throws(UnixFSPathError) -> (
        target: CID, traversed: [CID]
    ) {
        let blocks = car.blocks
        return try UnixFSPath.resolve(root ?? car.root, path: path.split(separator: "/").map(String.init)) {
            blocks[$0]
        }
    }

    @Test(arguments: ["path_gateway_dag/dag-cbor-traversal.car", "path_gateway_dag/dag-json-traversal.car"])
    func traversalFollowsLinksAndStopsAtValues(name: String) throws {
        let car = try ConformanceCAR(name)
        let cids = car.sections.map(\.cid)
        let resolved = try Self.resolve(car, "foo/link/bar")
        #expect(resolved.target == cids[2] && resolved.traversed == [cids[0], cids[1]])
        #expect(try Self.resolve(car, "foo/link").target == cids[1])
        #expect(throws: UnixFSPathError.notALink(cids[0])) { try Self.resolve(car, "foo") }
        #expect(throws: UnixFSPathError.notALink(cids[0])) { try Self.resolve(car, "foo/object/banana") }
        #expect(throws: UnixFSPathError.noSuchName("i-do-not-exist", in: cids[0])) {
            try Self.resolve(car, "foo/i-do-not-exist")
        }
        #expect(throws: UnixFSPathError.noSuchName("x", in: cids[0])) { try Self.resolve(car, "foo/object/banana/x") }
        #expect(throws: UnixFSPathError.notALink(cids[2])) { try Self.resolve(car, "foo/link/bar/hello") }
    }

    /// A UnixFS directory whose entry `document` is dag-cbor linking a raw file and a dag-pb file.
    @Test func pathsCrossFromDirectoriesIntoDagCBORAndBack() throws {
        let car = try ConformanceCAR("trustless_gateway_car/dir-with-dag-cbor-with-links.car")
        let document = try #require(car.sections.first { $0.cid.codec == .dagCBOR }).cid
        let single = try Self.resolve(car, from: document, "files/single")
        #expect(single.target.description == "bafkreifjjcie6lypi6ny7amxnfftagclbuxndqonfipmb64f2km2devei4")
        #expect(single.traversed == [document])
        let multiblock = try Self.resolve(car, "document/files/multiblock")
        #expect(multiblock.target.description == "bafybeigcisqd7m5nf3qmuvjdbakl5bdnh4ocrmacaqkpuh77qjvggmt2sa")
        #expect(multiblock.traversed == [car.root, document])
        #expect(throws: UnixFSPathError.notADirectory(multiblock.target)) {
            try Self.resolve(car, "document/files/multiblock/cats")
        }
    }

    @Test func listIndexesAndStrictness() throws {
        let leaves = try (0..<3).map { try CID.sha256(Array("leaf \($0)".utf8)) }
        var block: [UInt8] = [0xA1]
        CBOR.appendText("list", to: &block)
        CBOR.appendHead(major: 4, 3, to: &block)
        for leaf in leaves {
            CBOR.appendHead(major: 6, 42, to: &block)
            CBOR.appendHead(major: 2, UInt64(leaf.bytes.count + 1), to: &block)
            block += [0x00] + leaf.bytes
        }
        for (index, leaf) in leaves.enumerated() {
            #expect(
                try DAGPath.follow(["list", "\(index)", "more"], in: block, codec: .dagCBOR) == .link(leaf, consumed: 2)
            )
        }
        #expect(try DAGPath.follow(["list", "3"], in: block, codec: .dagCBOR) == .missing("3"))
        #expect(try DAGPath.follow(["list", "-1"], in: block, codec: .dagCBOR) == .missing("-1"))
        #expect(try DAGPath.follow([], in: block, codec: .dagCBOR) == .value)
        let json = Array(#"{"list": [{"/": "\#(leaves[0])"}, {"/": {"bytes": "AA"}}]}"#.utf8)
        #expect(try DAGPath.follow(["list", "0"], in: json, codec: .dagJSON) == .link(leaves[0], consumed: 2))
        #expect(try DAGPath.follow(["list", "1"], in: json, codec: .dagJSON) == .value)
        #expect(try DAGPath.follow(["list", "1", "/"], in: json, codec: .dagJSON) == .missing("/"))
        #expect(throws: DAGLinksError.self) {
            try DAGPath.follow(["list"], in: Array(block.dropLast()), codec: .dagCBOR)
        }
    }
}
