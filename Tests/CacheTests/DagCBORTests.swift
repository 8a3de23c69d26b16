import Foundation
import Hashing
import System
import TestSupport
import Testing

@testable import Cache

@Suite struct DagCBORTests {
    static func rejection(_ bytes: [UInt8]) -> DagCBORError? {
        do {
            _ = try DagCBOR.links(in: bytes)
            return nil
        } catch {
            return error
        }
    }

    /// The conformance traversal DAG: root {"foo": {"link": →, …}} -> {"bar": →} -> {"hello": …}.
    @Test func traversalFixtureLinksEachBlockToTheNext() throws {
        let car = try ConformanceCAR("path_gateway_dag/dag-cbor-traversal.car")
        #expect(car.sections.map(\.cid.codec) == [.dagCBOR, .dagCBOR, .dagCBOR])
        for (index, section) in car.sections.enumerated() {
            let expected = car.sections.dropFirst(index + 1).prefix(1).map(\.cid)
            #expect(try DAGLinks.links(of: section.cid, block: section.block) == expected)
        }
        #expect(DAGLinks.mayHaveLinks(car.root))
    }

    /// A UnixFS directory holding a dag-cbor document that links a raw file and a dag-pb file:
    /// {"cats": false, "files": {"single": →raw, "multiblock": →dag-pb}, "monkeys": true}.
    @Test func mixedFixtureDocumentLinksInDocumentOrder() throws {
        let car = try ConformanceCAR("trustless_gateway_car/dir-with-dag-cbor-with-links.car")
        let document = try #require(car.sections.first { $0.cid.codec == .dagCBOR })
        #expect(
            try DAGLinks.links(of: document.cid, block: document.block).map(\.description) == [
                "bafkreifjjcie6lypi6ny7amxnfftagclbuxndqonfipmb64f2km2devei4",
                "bafybeigcisqd7m5nf3qmuvjdbakl5bdnh4ocrmacaqkpuh77qjvggmt2sa",
            ])
    }

    /// Links of random documents (links at random depths) agree with the generator and with PyPI's dag-cbor; so
    /// does acceptance of truncated, byte-flipped and byte-nudged copies and of documents whose maps may repeat
    /// keys or list them out of order: what dag-cbor refuses is refused here too, and what it accepts is accepted
    /// with the same links (or refused only for a CID this store cannot hold).
    @Test func randomDocumentsAgreeWithPyPIDagCBOR() async throws {
        var random = RandomDagCBOR(seed: 0x1D_CB0)
        var mutator = SplitMix64(seed: 42)
        var blocks: [[UInt8]] = []
        var expected: [[CID]] = []
        for _ in 0..<300 {
            let document = try random.document()
            blocks.append(document)
            expected.append(random.links)
            #expect(try DagCBOR.links(in: document) == random.links)
        }
        for document in blocks.prefix(300) {
            blocks.append(Array(document.prefix(Int.random(in: 0..<document.count, using: &mutator))))
            var flipped = document
            flipped[Int.random(in: 0..<document.count, using: &mutator)] = UInt8.random(in: 0...255, using: &mutator)
            blocks.append(flipped)
            var nudged = document  // a byte moved by a little: keys and heads stay plausible
            let position = Int.random(in: 0..<document.count, using: &mutator)
            nudged[position] &+= UInt8.random(in: 1...2, using: &mutator) == 1 ? 1 : 0xFF
            blocks.append(nudged)
        }
        random.canonicalKeys = false  // some maps with repeated or unordered keys
        for _ in 0..<300 { blocks.append(try random.document()) }
        #expect(expected.contains { !$0.isEmpty } && expected.contains { $0.count > 3 })
        let answer = try await TestPython.ask(
            "Tests/CacheTests/Fixtures/dag_cbor_reference.py", ["links": blocks.map { $0.hexString }])
        let reference = try #require(answer["links"] as? [Any])
        try #require(reference.count == blocks.count)
        var accepted = 0
        for (index, block) in blocks.enumerated() {
            let theirs = (reference[index] as? [String])?.map { Hex.decode($0, prefix: .forbidden) ?? [] }
            if index < expected.count { #expect(theirs == expected[index].map(\.bytes)) }
            switch (Result { () throws(DagCBORError) in try DagCBOR.links(in: block) }, theirs) {
            case (.success(let ours), let theirs?):
                accepted += 1
                #expect(ours.map(\.bytes) == theirs, "block \(index)")
            case (.success, nil): Issue.record("block \(index) accepted here, refused by dag-cbor")
            case (.failure(.invalidLink), _?), (.failure, nil): break
            case (.failure(let error), _?): Issue.record("block \(index) refused here (\(error)), accepted by dag-cbor")
            }
        }
        #expect(accepted > 300)
    }

    @Test(
        arguments: [
            ("empty", [], DagCBORError.truncated(offset: 0, needed: 1)),
            ("array longer than the block", [0x82, 0x01], .truncated(offset: 0, needed: 2)),
            ("text past the end", [0x62, 0x61], .truncated(offset: 0, needed: 2)),
            ("head past the end", [0x19, 0x01], .truncated(offset: 0, needed: 3)),
            ("huge byte string", [0x5B] + [UInt8](repeating: 0xFF, count: 8), .truncated(offset: 0, needed: .max)),
            (
                "huge array", [0x9B, 0x7F] + [UInt8](repeating: 0xFF, count: 7),
                .truncated(offset: 0, needed: .max >> 1)
            ),
            ("huge map", [0xBB] + [UInt8](repeating: 0xFF, count: 8), .truncated(offset: 0, needed: .max)),
            ("indefinite array", [0x9F, 0xFF], .indefiniteLength(offset: 0)),
            ("indefinite bytes", [0x5F, 0x41, 0x00, 0xFF], .indefiniteLength(offset: 0)),
            ("break", [0xFF], .indefiniteLength(offset: 0)),
            ("reserved info", [0x1C], .reservedAdditionalInformation(offset: 0, 28)),
            ("non-minimal integer", [0x18, 0x05], .nonMinimalArgument(offset: 0)),
            ("non-minimal length", [0x81, 0x79, 0x00, 0x01, 0x61], .nonMinimalArgument(offset: 1)),
            ("half float", [0xF9, 0x3C, 0x00], .narrowFloat(offset: 0)),
            ("NaN", [0xFB, 0x7F, 0xF8, 0, 0, 0, 0, 0, 0], .nonFiniteFloat(offset: 0)),
            ("undefined", [0xF7], .unsupportedSimpleValue(offset: 0, 23)),
            ("one-byte simple value", [0xF8, 0x20], .unsupportedSimpleValue(offset: 0, 24)),
            ("other tag", [0xC1, 0x00], .unsupportedTag(offset: 0, 1)),
            ("integer map key", [0xA1, 0x01, 0x02], .nonTextMapKey(offset: 1)),
            ("keys out of order", [0xA2, 0x62, 0x62, 0x62, 0x00, 0x61, 0x61, 0x00], .unorderedMapKey(offset: 5)),
            ("repeated key", [0xA2, 0x61, 0x61, 0x00, 0x61, 0x61, 0x00], .unorderedMapKey(offset: 4)),
            ("invalid UTF-8", [0x61, 0xFF], .invalidUTF8(offset: 0)),
            ("two items", [0x00, 0x00], .trailingBytes(offset: 1)),
        ] as [(String, [UInt8], DagCBORError)])
    func hostileInputIsATypedError(name: String, bytes: [UInt8], expected: DagCBORError) {
        #expect(Self.rejection(bytes) == expected, "\(name)")
    }

    @Test func tag42MustWrapZeroAndACID() throws {
        let cid = try CID.sha256(Array("x".utf8))
        func tagged(_ item: [UInt8]) -> [UInt8] { [0xD8, 0x2A] + item }
        var bytes: [UInt8] = []
        CBOR.appendHead(major: 2, UInt64(cid.bytes.count + 1), to: &bytes)
        #expect(try DagCBOR.links(in: tagged(bytes + [0x00] + cid.bytes)) == [cid])
        let bad: [[UInt8]] = [
            tagged([0x63, 0x61, 0x62, 0x63]),  // a text string
            tagged([0x80]),  // an array
            tagged([0x40]),  // no bytes
            tagged(bytes + [0x01] + cid.bytes),  // not the 0x00 prefix
            tagged([0x43, 0x00, 0x01, 0x55]),  // a truncated CID
        ]
        for block in bad {
            guard case .invalidLink(offset: 0, _) = Self.rejection(block) else {
                Issue.record("\(block) is not an invalid link: \(String(describing: Self.rejection(block)))")
                continue
            }
        }
        #expect(Self.rejection(tagged([])) == .truncated(offset: 2, needed: 1))
    }

    @Test func nestingIsBounded() throws {
        let depth = DagCBOR.maximumDepth
        #expect(try DagCBOR.links(in: [UInt8](repeating: 0x81, count: depth) + [0x00]).isEmpty)
        #expect(
            Self.rejection([UInt8](repeating: 0x81, count: depth + 1) + [0x00])
                == .depthLimitExceeded(offset: depth, limit: depth))
        // A million nested maps: refused at the limit, without recursion.
        let deep = [UInt8]((0..<1_000_000).flatMap { _ in [0xA1, 0x61, 0x61] })
        #expect(Self.rejection(deep) == .depthLimitExceeded(offset: depth * 3, limit: depth))
    }

    @Test func floatsAndSimpleValuesOfTheDataModelAreAccepted() throws {
        let zero: [UInt8] = [0xFB] + [UInt8](repeating: 0, count: 8)
        #expect(try DagCBOR.links(in: [0x84, 0xF4, 0xF5, 0xF6] + zero).isEmpty)
        #expect(try DagCBOR.links(in: [0x3B] + [UInt8](repeating: 0xFF, count: 8)).isEmpty)  // -2^64
    }
}
