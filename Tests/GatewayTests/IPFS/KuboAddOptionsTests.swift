import Cache
import HTTPServer
import Testing

@testable import Gateway

/// `/api/v0/add`'s `hash` and `cid-version`: what we honour, and a 400 naming anything else.
struct KuboAddOptionsTests {
    private func options(_ query: [(name: String, value: String)]) throws(APIError) -> UnixFSImporter.Options {
        try KuboRPCRoutes.addOptions(Request(id: "t", method: "POST", path: "/api/v0/add", query: query))
    }

    @Test func supportedValues() throws {
        #expect(try options([]) == .kuboV1)
        #expect(try options([("hash", "sha2-256")]) == .kuboV1)
        #expect(try options([("cid-version", "1")]) == .kuboV1)
        #expect(try options([("cid-version", "0"), ("hash", "sha2-256")]) == .kuboLegacy)
    }

    @Test(arguments: [
        ("hash", "md5", "unsupported hash 'md5': only sha2-256 is supported"),
        ("hash", "", "unsupported hash '': only sha2-256 is supported"),
        ("cid-version", "9", "unsupported cid-version '9': it must be 0 or 1"),
        ("cid-version", "01", "unsupported cid-version '01': it must be 0 or 1"),
        (
            "cid-version", String(repeating: "9", count: 500),
            "unsupported cid-version '\(String(repeating: "9", count: 64))': it must be 0 or 1"
        ),
    ])
    func unsupportedValuesAre400NamingThem(name: String, value: String, message: String) {
        #expect(throws: APIError(status: 400, code: "error", message: message)) {
            try options([(name, value)])
        }
    }
}
