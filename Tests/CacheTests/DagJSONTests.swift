import Testing

@testable import Cache

@Suite struct DagJSONTests {
    static func links(_ text: String) throws(DagJSONError) -> [String] {
        try DagJSON.links(in: Array(text.utf8)).map(\.description)
    }

    /// The conformance traversal DAG: root -> foo.link -> bar -> a leaf map.
    @Test func traversalFixtureLinksEachBlockToTheNext() throws {
        let car = try ConformanceCAR("path_gateway_dag/dag-json-traversal.car")
        #expect(car.sections.map(\.cid.codec) == [.dagJSON, .dagJSON, .dagJSON])
        for (index, section) in car.sections.enumerated() {
            let expected = car.sections.dropFirst(index + 1).prefix(1).map(\.cid)
            #expect(try DAGLinks.links(of: section.cid, block: section.block) == expected)
        }
        #expect(DAGLinks.mayHaveLinks(car.root))
    }

    @Test func linksComeInDocumentOrderAndBytesAreNotLinks() throws {
        let a = "bafyreibs4utpgbn7uqegmd2goqz4bkyflre2ek2iwv743fhvylwi4zeeim"
        let b = "bafkreifjjcie6lypi6ny7amxnfftagclbuxndqonfipmb64f2km2devei4"
        let v0 = "QmUNLLsPACCz1vLxQVkXqqLX5R1X345qqfHbsf67hvA3Nn"
        let document = """
            {"z": [{"/": "\(b)"}, {"deep": {"/": "\(a)"}}], "a": {"/": "\(v0)"},
             "bytes": {"/": {"bytes": "aGVsbG8"}}, "two": {"/": "\(a)", "x": 1}, "again": {"/": "\(b)"}}
            """
        #expect(try Self.links(document) == [b, a, v0, b])
        #expect(try Self.links(#"{"/": {"bytes": ""}}"#).isEmpty)
        #expect(try Self.links(#"[1, "two", null, {"/": 3}]"#).isEmpty)
    }

    @Test func malformedJSONAndBadLinksAreTypedErrors() throws {
        #expect(throws: DagJSONError.self) { try Self.links(#"{"/": "not a cid"}"#) }
        #expect(throws: DagJSONError.self) { try Self.links(#"{"a": [1, 2"#) }
        #expect(throws: DagJSONError.self) {
            try Self.links(String(repeating: "[", count: 300) + String(repeating: "]", count: 300))
        }
        let ok =
            String(repeating: "[", count: DagJSON.maximumDepth) + String(repeating: "]", count: DagJSON.maximumDepth)
        #expect(try Self.links(ok).isEmpty)
        #expect(throws: DAGLinksError.self) {
            try DAGLinks.links(of: try CID.sha256(Array("x".utf8), codec: .dagJSON), block: Array("{".utf8))
        }
    }
}
