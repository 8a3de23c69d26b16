import Cache
import HTTPServer
import Testing

@testable import Gateway

/// The query of a kubo RPC read: unknown names and unimplemented values are 400s naming them; paths parse as kubo's.
struct KuboArgumentsTests {
    private static let cid = "bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e"

    private func arguments(_ query: [(name: String, value: String)]) throws(APIError) -> KuboArguments {
        try KuboArguments(
            Request(id: "t", method: "POST", path: "/api/v0/cat", query: query), verb: "cat",
            supported: ["arg", "offset", "progress"])
    }

    @Test(arguments: [
        ([("frobnicate", "1")], "cat: unsupported argument 'frobnicate'"),
        ([("timeout", "5s")], "cat: unsupported argument 'timeout'"),
        ([("encoding", "xml")], "cat: unsupported encoding 'xml': only json"),
        ([("stream-channels", "yes")], "cat: argument 'stream-channels' is not a boolean: 'yes'"),
        ([("a\u{0}b", "")], "cat: unsupported argument 'a\u{0}b'"),
    ])
    func refusesWhatItDoesNotImplement(query: [(name: String, value: String)], message: String) {
        #expect(throws: KuboArguments.badRequest(message)) { try arguments(query) }
    }

    @Test func globalsAndSupportedNamesPass() throws {
        let parsed = try arguments([
            ("arg", Self.cid), ("offset", "3"), ("stream-channels", "true"), ("encoding", "json"), ("offline", "1"),
        ])
        #expect(try parsed.argument() == Self.cid)
        #expect(try parsed.count("offset") == 3)
        #expect(try !parsed.allowsNetwork)
        #expect(try parsed.bool("progress", default: false) == false)
    }

    @Test func valuesAreChecked() throws {
        #expect(throws: APIError.self) { try arguments([("offset", "-1")]).count("offset") }
        #expect(throws: APIError.self) { try arguments([("offset", "1e3")]).count("offset") }
        #expect(throws: APIError.self) { try arguments([("arg", "a"), ("arg", "b")]).argument() }
        #expect(throws: APIError.self) { try arguments([]).argument() }
        #expect(throws: APIError.self) { try arguments([("progress", "true")]).require("progress", toBe: false, "x") }
        try arguments([("progress", "False")]).require("progress", toBe: false, "x")
    }

    @Test func pathsAreKubosIPFSPaths() throws {
        let expected = try CID(Self.cid)
        #expect(try KuboArguments.path(Self.cid) == (expected, []))
        #expect(try KuboArguments.path("/ipfs/\(Self.cid)/a/b.txt") == (expected, ["a", "b.txt"]))
        #expect(try KuboArguments.path("\(Self.cid)//a/") == (expected, ["a"]))
        #expect(try KuboArguments.cid("/ipfs/\(Self.cid)") == expected)
        for bad in ["", "/", "/ipns/example.com", "not-a-cid", "/ipfs/", "/ipfs//x"] {
            #expect(throws: APIError.self, "\(bad)") { try KuboArguments.path(bad) }
        }
        #expect(throws: APIError.self) { try KuboArguments.cid("\(Self.cid)/a") }
    }
}
