import Foundation
import Hashing
import System
import TestSupport
import Testing

@testable import Cache

/// dag-cbor shown as DAG-JSON (kubo's `dag get`): byte for byte what PyPI's dag-json encodes from what PyPI's
/// dag-cbor decodes.
@Suite struct DagCBORJSONTests {
    @Test func randomDocumentsMatchPyPIDagJSON() async throws {
        var random = RandomDagCBOR(seed: 0x15_0B)
        var blocks: [[UInt8]] = []
        for _ in 0..<300 { blocks.append(try random.document()) }
        // Edges: the most negative integer, floats whose bits look like simple values, nested bytes and links.
        blocks += [
            [0x3B] + [UInt8](repeating: 0xFF, count: 8), [0xFB, 0, 0, 0, 0, 0, 0, 0, 20], [0xF4], [0xF5], [0xF6],
            [0x82, 0x40, 0x80], [0xA2, 0x61, 0x62, 0x01, 0x62, 0x61, 0x61, 0x02],
        ]
        let answer = try await TestPython.ask(
            "Tests/CacheTests/Fixtures/dag_json_reference.py", ["blocks": blocks.map { $0.hexString }])
        let reference = try #require(answer["json"] as? [Any])
        try #require(reference.count == blocks.count)
        var compared = 0
        var reserved = 0
        for (index, block) in blocks.enumerated() {
            let theirs = reference[index] as? String
            switch Result(catching: { () throws(DagCBORError) in try DagCBOR.dagJSON(block) }) {
            case .success(let ours):
                #expect(String(decoding: ours, as: UTF8.self) == theirs, "block \(index)")
                compared += 1
            case .failure(let error):
                #expect(error == .reservedDagJSONKey(offset: (error.reservedOffset ?? -1)), "block \(index)")
                #expect(theirs == nil, "block \(index): PyPI dag-json wrote a reserved form")
                reserved += 1
            }
        }
        #expect(compared >= 280 && reserved < 20)
    }

    @Test func reservedShapesAreRefused() throws {
        // {"/": "x"} and {"/": {"bytes": …}} would read back as a link or bytes.
        #expect(throws: DagCBORError.reservedDagJSONKey(offset: 0)) {
            try DagCBOR.dagJSON([0xA1, 0x61, 0x2F, 0x61, 0x78])
        }
        #expect(throws: DagCBORError.reservedDagJSONKey(offset: 1)) {  // [{"/": {"bytes": "a"}}]
            try DagCBOR.dagJSON([0x81, 0xA1, 0x61, 0x2F, 0xA1, 0x65] + Array("bytes".utf8) + [0x61, 0x61])
        }
        // {"/": bytes} and {"/": 1} are not reserved forms: PyPI dag-json writes them too.
        #expect(try DagCBOR.dagJSON([0xA1, 0x61, 0x2F, 0x41, 0x00]) == Array(#"{"/":{"/":{"bytes":"AA"}}}"#.utf8))
        #expect(try DagCBOR.dagJSON([0xA1, 0x61, 0x2F, 0x01]) == Array(#"{"/":1}"#.utf8))
        #expect(throws: DagCBORError.trailingBytes(offset: 1)) { try DagCBOR.dagJSON([0x00, 0x00]) }
    }
}

extension DagCBORError {
    /// The offset of a `reservedDagJSONKey` error, nil for any other.
    fileprivate var reservedOffset: Int? {
        if case .reservedDagJSONKey(let offset) = self { return offset }
        return nil
    }
}
