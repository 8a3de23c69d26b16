import Foundation
import HTTPClient
import Testing

@Suite("HTTPClient failures")
struct HTTPClientFailureTests {
    let server = TestServer.shared

    @Test func idleTimeoutFiresWhenTheBodyStalls() async throws {
        let client = try HTTPClient()
        defer { client.shutdown() }
        let started = ContinuousClock.now
        let request = HTTPClientRequest(url: server.url("/hang"), timeouts: HTTPTimeouts(idle: .milliseconds(300)))
        let response = try await client.stream(request)
        await #expect(throws: HTTPClientError.timedOut(.idle)) {
            for try await _ in response.body {}
        }
        #expect(ContinuousClock.now - started < .seconds(10))
    }

    @Test func idleTimeoutFiresWhenNoHeadArrives() async throws {
        let client = try HTTPClient()
        defer { client.shutdown() }
        let request = HTTPClientRequest(
            url: server.url("/noresponse"), timeouts: HTTPTimeouts(idle: .milliseconds(300)))
        await #expect(throws: HTTPClientError.timedOut(.idle)) { try await client.stream(request) }
    }

    @Test func totalTimeoutEndsASlowStream() async throws {
        let client = try HTTPClient()
        defer { client.shutdown() }
        let request = HTTPClientRequest(
            url: server.url("/stream?chunks=200&interval=0.05"), timeouts: HTTPTimeouts(total: .milliseconds(500)))
        let response = try await client.stream(request)
        await #expect(throws: HTTPClientError.timedOut(.total)) {
            for try await _ in response.body {}
        }
    }

    @Test func totalTimeoutWhileAwaitingTheHead() async throws {
        let client = try HTTPClient()
        defer { client.shutdown() }
        let started = ContinuousClock.now
        let request = HTTPClientRequest(
            url: server.url("/noresponse"), timeouts: HTTPTimeouts(total: .milliseconds(400)))
        await #expect(throws: HTTPClientError.timedOut(.total)) { try await client.stream(request) }
        #expect(ContinuousClock.now - started < .seconds(10))
    }

    @Test func closedPortIsConnectFailedQuickly() async throws {
        let client = try HTTPClient()
        defer { client.shutdown() }
        let started = ContinuousClock.now
        let request = HTTPClientRequest(url: "http://127.0.0.1:\(server.closedPort)/")
        let error = await #expect(throws: HTTPClientError.self) { try await client.execute(request) }
        guard case .connectFailed(let message) = error else {
            Issue.record("expected connectFailed, got \(String(describing: error))")
            return
        }
        #expect(!message.isEmpty)
        #expect(ContinuousClock.now - started < .seconds(5))
    }

    @Test func unresolvableHostIsConnectFailed() async throws {
        let client = try HTTPClient()
        defer { client.shutdown() }
        let request = HTTPClientRequest(url: "http://no-such-host.invalid/")
        let error = await #expect(throws: HTTPClientError.self) { try await client.execute(request) }
        #expect(error.map { if case .connectFailed = $0 { true } else { false } } == true)
    }

    @Test func resetMidStreamIsAnError() async throws {
        let client = try HTTPClient()
        defer { client.shutdown() }
        let response = try await client.stream(HTTPClientRequest(url: server.url("/reset")))
        var received: [UInt8] = []
        let error = await #expect(throws: HTTPClientError.self) {
            for try await chunk in response.body { received += chunk }
        }
        #expect(error.map { if case .transport = $0 { true } else { false } } == true)
        #expect(String(decoding: received, as: UTF8.self) == "partial body")
    }

    @Test(arguments: [false, true])
    func bodyBeyondTheLimitIsRefused(chunked: Bool) async throws {
        let client = try HTTPClient()
        defer { client.shutdown() }
        let request = HTTPClientRequest(url: server.url("/large?bytes=1048576&chunked=\(chunked ? 1 : 0)"))
        await #expect(throws: HTTPClientError.bodyTooLarge(limit: 65536)) {
            try await client.execute(request, maxBodyBytes: 65536)
        }
        let exact = HTTPClientRequest(url: server.url("/large?bytes=65536&chunked=\(chunked ? 1 : 0)"))
        #expect(try await client.execute(exact, maxBodyBytes: 65536).body.count == 65536)
    }

    @Test func shutdownFailsTransfersInFlight() async throws {
        let client = try HTTPClient()
        let observer = try HTTPClient()
        defer { observer.shutdown() }
        let ids = (0..<4).map { _ in TestServer.uniqueID() }
        let server = self.server
        let streams = ids[0..<2].map { id in
            Task { () async throws -> Void in
                let response = try await client.stream(HTTPClientRequest(url: server.url("/hang?id=\(id)")))
                for try await _ in response.body {}
            }
        }
        let heads = ids[2...].map { id in
            Task { () async throws -> Void in
                _ = try await client.stream(HTTPClientRequest(url: server.url("/noresponse?id=\(id)")))
            }
        }
        for id in ids { #expect(try await server.waitFor(id, client: observer) { $0.flag("received") }) }
        client.shutdown()
        for task in streams + heads {
            let result = await task.result
            #expect(throws: HTTPClientError.shutdown) { try result.get() }
        }
        await #expect(throws: HTTPClientError.shutdown) {
            try await client.execute(HTTPClientRequest(url: server.url("/echo")))
        }
        for id in ids { #expect(try await server.waitFor(id, client: observer) { $0.flag("disconnected") }) }
    }

    @Test func clientShutDownBeforeItsFirstRequestRefusesRequests() async throws {
        // The event thread starts with the first request; a client that never had one still shuts down cleanly.
        let client = try HTTPClient()
        client.shutdown()
        client.shutdown()
        await #expect(throws: HTTPClientError.shutdown) {
            try await client.execute(HTTPClientRequest(url: server.url("/echo")))
        }
    }

    @Test func headerWithLineBreakIsRejected() async throws {
        let client = try HTTPClient()
        defer { client.shutdown() }
        let request = HTTPClientRequest(url: server.url("/echo"), headers: [("X-Bad", "a\r\nInjected: 1")])
        let error = await #expect(throws: HTTPClientError.self) { try await client.execute(request) }
        #expect(error.map { if case .invalidRequest = $0 { true } else { false } } == true)
    }
}
