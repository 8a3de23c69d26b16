import Testing

@testable import HTTPClient

@Suite("ResponseHeadParser")
struct ResponseHeadParserTests {
    private func feed(_ lines: [String]) -> (heads: [HTTPResponseHead], parser: ResponseHeadParser) {
        var parser = ResponseHeadParser()
        let heads = lines.compactMap { parser.consume(Array($0.utf8)) }
        return (heads, parser)
    }

    @Test func parsesStatusAndHeaders() {
        let (heads, parser) = feed(["HTTP/1.1 201 Created\r\n", "Content-Type:  text/plain \r\n", "X-A:b\r\n", "\r\n"])
        #expect(heads.count == 1)
        #expect(heads.first?.status == 201)
        #expect(heads.first?.header("content-type") == "text/plain")
        #expect(heads.first?.header("X-A") == "b")
        #expect(parser.isComplete)
    }

    @Test func skipsInterimResponses() {
        let lines = ["HTTP/1.1 100 Continue\r\n", "\r\n", "HTTP/1.1 200 OK\r\n", "Server: x\r\n", "\r\n"]
        let (heads, _) = feed(lines)
        #expect(heads.map(\.status) == [200])
        #expect(heads.first?.headers.map(\.name) == ["Server"])
    }

    @Test func ignoresTrailersAfterTheHead() {
        let (heads, parser) = feed(["HTTP/1.1 200 OK\r\n", "\r\n", "X-Trailer: 1\r\n", "\r\n"])
        #expect(heads.count == 1)
        #expect(parser.partialHead.headers.isEmpty)
    }

    @Test func joinsFoldedLinesAndSkipsJunk() {
        let (heads, _) = feed([
            "HTTP/2 204\r\n", "X-Long: a\r\n", "\t b\r\n", "no colon here\r\n", ": nameless\r\n", "\n",
        ])
        #expect(heads.first?.status == 204)
        #expect(heads.first?.headers.count == 1)
        #expect(heads.first?.header("x-long") == "a b")
    }
}
