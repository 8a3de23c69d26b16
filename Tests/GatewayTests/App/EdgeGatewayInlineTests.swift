import Cache
import HTTPServer
import Log
import SQLite
import Testing

@testable import Gateway

/// A gateway over an in-memory store holding one raw block, with the IPFS and admin routes as `EdgeApp` wires
/// them, plus `/keyed` (a key, an inline handler that always declines) to count rate-limit tokens.
private struct InlineFixture {
    let gateway: EdgeGateway
    let metrics = Metrics()
    let block: [UInt8] = Array("plain text, sniffed as such by the file path\n".utf8)
    let cid: CID

    init(requestsPerMinute: Int = 0, burst: Int = 1) throws {
        let store = try EdgeStore(database: Database.inMemory())
        cid = try store.blocks.put(block)
        let ipfs = IPFSGatewayRoutes(blocks: store.blocks, upstream: nil)
        let admin = AdminRoutes(metrics: Metrics(), readiness: Readiness())
        let keyed = EdgeGateway.Route(pattern: "/keyed", flavor: .plain, inline: { _, _ in nil }) { _, _ in
            .text(200, "async")
        }
        gateway = EdgeGateway(
            routes: ipfs.routes + admin.probes + [admin.metricsRoute(requiresKey: true), ("GET", keyed)],
            authenticator: Authenticator(keys: store.apiKeys, devMode: true),
            limiter: RateLimiter(requestsPerMinute: requestsPerMinute, burst: burst), metrics: metrics,
            logger: Logger(label: "test.inline"))
    }

    func request(
        _ path: String, method: String = "GET", query: [(name: String, value: String)] = [],
        headers: HTTPHeaders = HTTPHeaders()
    ) -> Request {
        Request(id: "t", method: method, path: path, query: query, headers: headers)
    }

    func raw(headers: HTTPHeaders = HTTPHeaders()) -> Request {
        request("/ipfs/\(cid)", query: [("format", "raw")], headers: headers)
    }
}

private func bytes(_ response: Response?) -> [UInt8]? {
    guard case .bytes(let body) = response?.body else { return nil }
    return body
}

/// Whether two answers have the same status, header fields (in order) and in-memory body.
private func same(_ first: Response?, _ second: Response) -> Bool {
    guard let first else { return false }
    return first.status == second.status && bytes(first) == bytes(second)
        && first.headers.map { "\($0.name): \($0.value)" } == second.headers.map { "\($0.name): \($0.value)" }
}

@Suite struct EdgeGatewayInlineTests {
    @Test func aStoredRawBlockIsAnsweredInlineAsTheAsyncPathWould() async throws {
        let fixture = try InlineFixture()
        let inline = fixture.gateway.handleInline(fixture.raw())
        #expect(inline?.status == 200)
        #expect(bytes(inline) == fixture.block)
        #expect(inline?.headers["Etag"] == "\"\(fixture.cid).raw\"")
        #expect(inline?.headers["X-Ipfs-Roots"] == fixture.cid.description)
        #expect(inline?.headers["Content-Disposition"] == "attachment; filename=\"\(fixture.cid).bin\"")
        #expect(same(inline, await fixture.gateway.handle(fixture.raw())))
        let counted = #"cortensor_edge_requests_total{route="/ipfs/{cid}",status="200"} 2"#
        #expect(fixture.metrics.render().contains(counted))
    }

    @Test(arguments: [("bytes=0-4", 206), ("bytes=-6", 206), ("bytes=9999-", 416)])
    func rangesAreServedInline(range: String, status: Int) async throws {
        let fixture = try InlineFixture()
        let request = fixture.raw(headers: ["Range": range])
        let inline = fixture.gateway.handleInline(request)
        #expect(inline?.status == status)
        #expect(same(inline, await fixture.gateway.handle(request)))
    }

    @Test func aMatchingEtagIsAnswered304Inline() async throws {
        let fixture = try InlineFixture()
        let request = fixture.raw(headers: ["If-None-Match": "\"other\", \"\(fixture.cid).raw\""])
        let inline = fixture.gateway.handleInline(request)
        #expect(inline?.status == 304)
        #expect(bytes(inline) == [])
        #expect(same(inline, await fixture.gateway.handle(request)))
    }

    @Test func aHeadIsAnsweredInlineLikeItsGet() throws {
        let fixture = try InlineFixture()
        let head = fixture.request("/ipfs/\(fixture.cid)", method: "HEAD", query: [("format", "raw")])
        #expect(same(fixture.gateway.handleInline(head), try #require(fixture.gateway.handleInline(fixture.raw()))))
    }

    @Test func thePlainBytesOfARawCIDAreAnsweredInline() async throws {
        let fixture = try InlineFixture()
        let request = fixture.request("/ipfs/\(fixture.cid)", query: [("filename", "a.txt")])
        let inline = fixture.gateway.handleInline(request)
        #expect(inline?.headers["Content-Type"] == "text/plain; charset=utf-8")
        #expect(inline?.headers["Content-Disposition"] == "inline; filename=\"a.txt\"")
        #expect(same(inline, await fixture.gateway.handle(request)))
    }

    @Test func whatNeedsTheAsyncPathIsDeclined() throws {
        let fixture = try InlineFixture()
        let missing = try CID.sha256(Array("not stored".utf8), codec: .raw)
        let declined = [
            fixture.request("/ipfs/\(missing)", query: [("format", "raw")]),  // may come from upstream
            fixture.request("/ipfs/\(fixture.cid)", query: [("format", "car")]),
            fixture.request("/ipfs/\(fixture.cid)/a/path", query: [("format", "raw")]),
            fixture.request("/ipfs/\(fixture.cid)", method: "POST"),
            fixture.request("/no/such/route"),
        ]
        for request in declined {
            #expect(fixture.gateway.handleInline(request) == nil, "\(request.method) \(request.path)")
        }
    }

    @Test func aBadCIDIsRefusedInline() throws {
        let fixture = try InlineFixture()
        #expect(fixture.gateway.handleInline(fixture.request("/ipfs/not-a-cid"))?.status == 400)
    }

    @Test func probesAreAnsweredInline() throws {
        let fixture = try InlineFixture()
        #expect(fixture.gateway.handleInline(fixture.request("/healthz"))?.status == 200)
        #expect(fixture.gateway.handleInline(fixture.request("/readyz"))?.status == 503)  // never set ready here
    }

    @Test func aKeyIsCheckedBeforeAnInlineHandler() throws {
        let fixture = try InlineFixture()
        #expect(fixture.gateway.handleInline(fixture.request("/metrics"))?.status == 401)
        let withKey = fixture.request("/metrics", headers: ["Authorization": "Bearer default-dev-token"])
        #expect(fixture.gateway.handleInline(withKey)?.status == 200)
    }

    @Test func anInlineAnswerTakesOneRateLimitToken() throws {
        let fixture = try InlineFixture(requestsPerMinute: 1, burst: 1)
        let withKey = fixture.request("/metrics", headers: ["X-API-Key": "default-dev-token"])
        #expect(fixture.gateway.handleInline(withKey)?.status == 200)
        let limited = fixture.gateway.handleInline(withKey)
        #expect(limited?.status == 429)
        #expect(limited?.headers["Retry-After"] != nil)
    }

    @Test func aDeclinedRequestIsChargedOnceByTheAsyncPath() async throws {
        let fixture = try InlineFixture(requestsPerMinute: 1, burst: 1)
        let keyed = fixture.request("/keyed", headers: ["X-API-Key": "default-dev-token"])
        #expect(fixture.gateway.handleInline(keyed) == nil)
        #expect(await fixture.gateway.handle(keyed).status == 200)
        #expect(fixture.gateway.handleInline(keyed) == nil)
        #expect(await fixture.gateway.handle(keyed).status == 429)
        #expect(fixture.gateway.handleInline(fixture.request("/keyed"))?.status == 401)
    }
}
