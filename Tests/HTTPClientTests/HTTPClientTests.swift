import Foundation
import HTTPClient
import Testing

@Suite("HTTPClient requests")
struct HTTPClientTests {
    let server = TestServer.shared

    @Test func getEchoesPathAndHeaders() async throws {
        let client = try HTTPClient()
        defer { client.shutdown() }
        let request = HTTPClientRequest(url: server.url("/echo?x=1"), headers: [("X-Test", "hello"), ("X-Empty", "")])
        let (head, body) = try await client.execute(request)
        #expect(head.status == 200)
        #expect(head.header("content-type") == "application/json")
        let echo = try decodeEcho(body)
        #expect(echo["method"] as? String == "GET")
        #expect(echo["path"] as? String == "/echo?x=1")
        let headers = (echo["headers"] as? [[String]] ?? []).map { ($0[0].lowercased(), $0[1]) }
        #expect(headers.contains { $0 == ("x-test", "hello") })
        #expect(headers.contains { $0 == ("x-empty", "") })
        #expect(headers.contains { $0 == ("user-agent", "cortensor-edge") })
    }

    @Test func postSendsBodyBytesExactly() async throws {
        let client = try HTTPClient()
        defer { client.shutdown() }
        let payload: [UInt8] = Array(0...255) + Array("{\"a\":1}".utf8)
        let request = HTTPClientRequest(
            method: "POST", url: server.url("/echo"), headers: [("Content-Type", "application/json")], body: payload)
        let (head, body) = try await client.execute(request)
        #expect(head.status == 200)
        let echo = try decodeEcho(body)
        #expect(echo["method"] as? String == "POST")
        #expect(echo["bodyHex"] as? String == payload.map { String(format: "%02x", $0) }.joined())
        let headers = (echo["headers"] as? [[String]] ?? []).map { ($0[0].lowercased(), $0[1]) }
        #expect(headers.contains { $0 == ("content-type", "application/json") })
        #expect(headers.contains { $0 == ("content-length", "\(payload.count)") })
        #expect(!headers.contains { $0.0 == "expect" })
    }

    @Test func postWithoutContentTypeSendsNoInventedOne() async throws {
        let client = try HTTPClient()
        defer { client.shutdown() }
        let request = HTTPClientRequest(method: "POST", url: server.url("/echo"), body: Array("x=1".utf8))
        let echo = try decodeEcho(try await client.execute(request).body)
        let names = (echo["headers"] as? [[String]] ?? []).map { $0[0].lowercased() }
        #expect(!names.contains("content-type"))
    }

    @Test(arguments: ["PUT", "PATCH", "DELETE"])
    func otherMethodsReachTheServer(method: String) async throws {
        let client = try HTTPClient()
        defer { client.shutdown() }
        let body: [UInt8] = method == "DELETE" ? [] : Array("data".utf8)
        let request = HTTPClientRequest(method: method, url: server.url("/echo"), body: body)
        let echo = try decodeEcho(try await client.execute(request).body)
        #expect(echo["method"] as? String == method)
        #expect(echo["bodyHex"] as? String == body.map { String(format: "%02x", $0) }.joined())
    }

    @Test func expectContinueGivesTheFinalHead() async throws {
        let client = try HTTPClient()
        defer { client.shutdown() }
        let request = HTTPClientRequest(
            method: "POST", url: server.url("/echo"), headers: [("Expect", "100-continue")], body: Array("hi".utf8))
        let (head, body) = try await client.execute(request)
        #expect(head.status == 200)
        #expect(try decodeEcho(body)["bodyHex"] as? String == "6869")
    }

    @Test(arguments: [200, 201, 204, 404, 500, 503])
    func statusCodesArePassedThrough(code: Int) async throws {
        let client = try HTTPClient()
        defer { client.shutdown() }
        let (head, body) = try await client.execute(HTTPClientRequest(url: server.url("/status?code=\(code)")))
        #expect(head.status == code)
        #expect(body == (code == 204 ? [] : Array("status \(code)".utf8)))
    }

    @Test func sequentialRequestsReuseTheConnection() async throws {
        let client = try HTTPClient()
        defer { client.shutdown() }
        var ports: [Int] = []
        for _ in 0..<3 {
            let echo = try decodeEcho(try await client.execute(HTTPClientRequest(url: server.url("/echo"))).body)
            ports.append(echo["clientPort"] as? Int ?? -1)
        }
        #expect(ports.count == 3 && Set(ports).count == 1)
    }

    /// Easy handles are reset and reused: nothing of one request (method, body, headers) leaks into the next.
    @Test func reusedHandlesCarryNothingOver() async throws {
        let client = try HTTPClient()
        defer { client.shutdown() }
        let post = HTTPClientRequest(
            method: "POST", url: server.url("/echo"), headers: [("X-Only-Post", "1")], body: Array("abc".utf8))
        for request in [
            post, HTTPClientRequest(url: server.url("/echo")), post, HTTPClientRequest(url: server.url("/echo")),
        ] {
            let echo = try decodeEcho(try await client.execute(request).body)
            let headers = (echo["headers"] as? [[String]] ?? []).map { $0[0].lowercased() }
            #expect(echo["method"] as? String == request.method)
            #expect(echo["bodyHex"] as? String == (request.method == "POST" ? "616263" : ""))
            #expect(headers.contains("x-only-post") == (request.method == "POST"))
        }
        let head = try await client.execute(HTTPClientRequest(method: "HEAD", url: server.url("/echo")))
        #expect(head.head.status == 200 && head.body.isEmpty)
    }

    @Test func manyConcurrentRequestsAllComplete() async throws {
        let client = try HTTPClient()
        defer { client.shutdown() }
        let server = self.server
        let paths = try await withThrowingTaskGroup(of: String.self) { group in
            for index in 0..<200 {
                group.addTask {
                    let request = HTTPClientRequest(url: server.url("/echo?n=\(index)"))
                    let (head, body) = try await client.execute(request)
                    #expect(head.status == 200)
                    return try decodeEcho(body)["path"] as? String ?? ""
                }
            }
            return try await group.reduce(into: Set<String>()) { $0.insert($1) }
        }
        #expect(paths == Set((0..<200).map { "/echo?n=\($0)" }))
    }

    @Test func largeBodyArrivesWhole() async throws {
        let client = try HTTPClient()
        defer { client.shutdown() }
        let (head, body) = try await client.execute(HTTPClientRequest(url: server.url("/large?bytes=3000000")))
        #expect(head.header("Content-Length") == "3000000")
        #expect(body.count == 3_000_000)
        #expect(body.enumerated().allSatisfy { $0.element == UInt8(truncatingIfNeeded: $0.offset) })
    }
}
