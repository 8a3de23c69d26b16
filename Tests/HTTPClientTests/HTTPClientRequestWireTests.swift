import Testing

@testable import HTTPClient

@Suite("Request spelling and timeout mapping")
struct HTTPClientRequestWireTests {
    @Test(arguments: ["GET", "POST", "M-SEARCH", "PROPFIND"])
    func tokensAreValidMethods(method: String) throws {
        try HTTPClientRequest(method: method, url: "http://h/").validate()
    }

    @Test(arguments: [
        HTTPClientRequest(method: "", url: "http://h/"),
        HTTPClientRequest(method: "GET /x", url: "http://h/"),
        HTTPClientRequest(url: "http://h/a b"),
        HTTPClientRequest(url: "http://h/\n"),
        HTTPClientRequest(url: "http://h/", headers: [("Bad Name", "v")]),
        HTTPClientRequest(url: "http://h/", headers: [("X:Y", "v")]),
        HTTPClientRequest(url: "http://h/", headers: [("", "v")]),
        HTTPClientRequest(url: "http://h/", headers: [("X", "a\nb")]),
        HTTPClientRequest(url: "http://h/", headers: [("X", "a\u{0}b")]),
    ])
    func malformedRequestsAreRejected(request: HTTPClientRequest) {
        #expect {
            try request.validate()
        } throws: { error in
            if case .invalidRequest = error as? HTTPClientError { true } else { false }
        }
    }

    @Test func headerLinesSuppressCurlDefaultsUnlessSet() {
        let plain = HTTPClientRequest(url: "http://h/", headers: [("A", "1"), ("Empty", "")])
        #expect(plain.headerLines == ["A: 1", "Empty;", "Expect:", "Content-Type:"])
        let explicit = HTTPClientRequest(url: "http://h/", headers: [("content-type", "text/plain")])
        #expect(explicit.headerLines == ["content-type: text/plain", "Expect:"])
    }

    @Test func millisecondsRoundUpAndNeverReachZero() {
        #expect(Duration.seconds(2).curlMilliseconds == 2000)
        #expect(Duration.microseconds(1500).curlMilliseconds == 2)
        #expect(Duration.zero.curlMilliseconds == 1)
    }

    @Test func curlTimeoutsMapToTheirPhase() {
        let connectOnly = HTTPTimeouts(connect: .seconds(1))
        #expect(HTTPTimeoutPhase(curlTimeoutAfter: .seconds(1), timeouts: connectOnly) == .connect)
        let both = HTTPTimeouts(connect: .seconds(1), total: .seconds(5))
        #expect(HTTPTimeoutPhase(curlTimeoutAfter: .seconds(1), timeouts: both) == .connect)
        #expect(HTTPTimeoutPhase(curlTimeoutAfter: .seconds(5), timeouts: both) == .total)
        let totalFirst = HTTPTimeouts(connect: .seconds(10), total: .seconds(2))
        #expect(HTTPTimeoutPhase(curlTimeoutAfter: .seconds(2), timeouts: totalFirst) == .total)
    }
}
