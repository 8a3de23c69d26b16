import Testing

@testable import HTTPServer

@Suite struct HTTPHeadersTests {
    @Test func lookupIgnoresCaseAndReturnsFirst() {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "a")
        headers.add(name: "content-type", value: "b")
        #expect(headers["CONTENT-TYPE"] == "a")
        #expect(headers.values(for: "Content-type") == ["a", "b"])
        #expect(headers["Content-Length"] == nil)
    }

    @Test func preservesOrderAndDuplicates() {
        let headers: HTTPHeaders = ["B": "1", "A": "2", "b": "3"]
        #expect(headers.map(\.name) == ["B", "A", "b"])
        #expect(headers.map(\.value) == ["1", "2", "3"])
        #expect(headers.count == 3)
    }

    @Test func replaceAndRemoveAffectEveryCase() {
        var headers: HTTPHeaders = ["X-A": "1", "x-a": "2", "Y": "3"]
        headers.replaceOrAdd(name: "X-a", value: "9")
        #expect(headers.values(for: "x-A") == ["9"])
        headers.remove("y")
        #expect(!headers.contains("Y"))
        #expect(headers.map(\.name) == ["X-a"])
    }

    @Test(arguments: [("Ab", "aB", true), ("Ab", "Ac", false), ("Ab", "Abc", false), ("é", "É", false)])
    func asciiCaseFolding(_ a: String, _ b: String, _ equal: Bool) {
        #expect(HTTPHeaders.namesEqual(a, b) == equal)
    }
}

@Suite struct RequestIDTests {
    @Test(arguments: ["abc-123", "A.b_c:d", String(repeating: "x", count: 128)])
    func acceptsSaneClientIDs(_ id: String) {
        #expect(RequestID.accept(id) == id)
    }

    @Test(arguments: ["", "has space", "quote\"", String(repeating: "x", count: 129), "naïve", "a\r\nb"])
    func replacesInsaneClientIDs(_ id: String) {
        let accepted = RequestID.accept(id)
        #expect(accepted != id)
        #expect(accepted.count == 32)
        #expect(accepted.allSatisfy { $0.isHexDigit && !$0.isUppercase })
    }

    @Test func generatedIDsDiffer() {
        #expect(RequestID.generate() != RequestID.generate())
    }

    @Test func generatedIDsAreThirtyTwoLowercaseHexDigits() {
        let ids = (0..<64).map { _ in RequestID.generate() }
        #expect(ids.allSatisfy { $0.utf8.count == 32 && RequestID.isSane($0) })
        #expect(Set(ids.joined()) == Set("0123456789abcdef"))
    }
}

@Suite struct HTTPServerConfigurationTests {
    @Test func defaultsMatchTheContract() throws {
        let configuration = HTTPServerConfiguration()
        #expect(configuration.host == "127.0.0.1")
        #expect(configuration.port == 5010)
        #expect(configuration.connectionLimit == 1024)
        #expect(configuration.maxBodyBytes == 1 << 20)
        #expect(configuration.maxHeaderBytes == 16 * 1024)
        #expect(configuration.requestDeadline == .seconds(930))
        #expect(configuration.streamBufferBytes == 64 * 1024)
        try configuration.validate()
    }

    @Test func rejectsOutOfRangeValues() {
        #expect(throws: HTTPServerError.invalidConfiguration(field: "port", reason: "must be 0...65535")) {
            try HTTPServerConfiguration(port: 70_000).validate()
        }
        #expect(throws: HTTPServerError.self) { try HTTPServerConfiguration(connectionLimit: 0).validate() }
        #expect(throws: HTTPServerError.self) { try HTTPServerConfiguration(tlsCertificatePath: "/x").validate() }
    }

    @Test func idleTimeoutRoundsUpToSeconds() {
        #expect(HTTPServerConfiguration(idleTimeout: .milliseconds(1500)).idleTimeoutSeconds == 2)
        #expect(HTTPServerConfiguration(idleTimeout: .seconds(60)).idleTimeoutSeconds == 60)
        #expect(HTTPServerConfiguration(idleTimeout: .zero).idleTimeoutSeconds == 0)
    }
}

@Suite struct HeaderNameComparisonTests {
    @Test(arguments: [
        ("Content-Type", "content-type", true), ("X-API-Key", "x-api-KEY", true), ("a", "a", true),
        ("Content-Type", "Content-Typf", false), ("Expect", "Expect ", false), ("é", "É", false), ("", "", true),
        ("[", "{", false), ("@", "`", false), ("X-API-\u{212A}ey", "X-API-Key", false),
        ("e\u{301}", "\u{E9}", false),
    ])
    func namesEqualIgnoresASCIICaseOnly(_ a: String, _ b: String, _ equal: Bool) {
        #expect(HTTPHeaders.namesEqual(a, b) == equal)
    }
}
