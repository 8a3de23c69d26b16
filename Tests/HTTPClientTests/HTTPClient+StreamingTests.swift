import Foundation
import HTTPClient
import Testing

@Suite("HTTPClient streaming")
struct HTTPClientStreamingTests {
    let server = TestServer.shared

    @Test func firstChunkArrivesBeforeTheStreamEnds() async throws {
        let client = try HTTPClient()
        defer { client.shutdown() }
        let id = TestServer.uniqueID()
        let response = try await client.stream(HTTPClientRequest(url: server.url("/stream?chunks=20&hold=1&id=\(id)")))
        #expect(response.head.status == 200)
        var iterator = response.body.makeAsyncIterator()
        let first = try await iterator.next()
        #expect(first.map { String(decoding: $0, as: UTF8.self).hasPrefix("chunk 0\n") } == true)
        // The server holds the rest of the stream until released, so the first chunk cannot have waited for it.
        #expect(try await server.stats(id, client: client).flag("done") == false)
        _ = try await client.execute(HTTPClientRequest(url: server.url("/release?id=\(id)")))
        var text = String(decoding: first ?? [], as: UTF8.self)
        while let chunk = try await iterator.next() { text += String(decoding: chunk, as: UTF8.self) }
        #expect(text == (0..<20).map { "chunk \($0)\n" }.joined())
        #expect(try await iterator.next() == nil)
    }

    @Test func idleLimitDoesNotFireWhileBytesKeepComing() async throws {
        let client = try HTTPClient()
        defer { client.shutdown() }
        let request = HTTPClientRequest(
            url: server.url("/stream?chunks=10&interval=0.05"), timeouts: HTTPTimeouts(idle: .seconds(3)))
        let (head, body) = try await client.execute(request)
        #expect(head.status == 200)
        #expect(body.count == (0..<10).map { "chunk \($0)\n" }.joined().utf8.count)
    }

    @Test func slowConsumerPausesTheTransfer() async throws {
        let client = try HTTPClient()
        defer { client.shutdown() }
        let id = TestServer.uniqueID()
        let total = 256 << 20
        let response = try await client.stream(HTTPClientRequest(url: server.url("/large?bytes=\(total)&id=\(id)")))
        var iterator = response.body.makeAsyncIterator()
        var received = try await iterator.next()?.count ?? 0
        // Wait until the server's byte count stops moving: it is blocked on full socket buffers.
        var last = -1
        var steady = 0
        for _ in 0..<200 where steady < 5 {
            let sent = try await server.stats(id, client: client).count("sent")
            steady = sent == last ? steady + 1 : 0
            last = sent
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(steady >= 5)
        // Client buffer (256 KiB) plus kernel socket buffers, far from the whole body.
        #expect(last < total / 4)
        while let chunk = try await iterator.next() { received += chunk.count }
        #expect(received == total)
    }

    @Test func pausedTransferDoesNotCountAsIdle() async throws {
        let client = try HTTPClient()
        defer { client.shutdown() }
        let total = 16 << 20
        let request = HTTPClientRequest(
            url: server.url("/large?bytes=\(total)"), timeouts: HTTPTimeouts(idle: .milliseconds(200)))
        let response = try await client.stream(request)
        var iterator = response.body.makeAsyncIterator()
        var received = try await iterator.next()?.count ?? 0
        // A consumer busy for much longer than the idle limit: the buffer fills and the transfer pauses.
        try await Task.sleep(for: .seconds(1))
        while let chunk = try await iterator.next() { received += chunk.count }
        #expect(received == total)
    }

    @Test func cancellingTheConsumerAbortsTheTransfer() async throws {
        let client = try HTTPClient()
        defer { client.shutdown() }
        let id = TestServer.uniqueID()
        let (headSeen, signal) = AsyncStream<Void>.makeStream()
        let request = HTTPClientRequest(url: server.url("/hang?id=\(id)"))
        let consumer = Task {
            let response = try await client.stream(request)
            signal.yield()
            for try await _ in response.body {}
        }
        for await _ in headSeen { break }
        consumer.cancel()
        let result = await consumer.result
        #expect(throws: HTTPClientError.cancelled) { try result.get() }
        #expect(try await server.waitFor(id, client: client) { $0.flag("disconnected") })
    }

    @Test func cancellingWhileAwaitingTheHeadAbortsTheTransfer() async throws {
        let client = try HTTPClient()
        defer { client.shutdown() }
        let id = TestServer.uniqueID()
        let request = HTTPClientRequest(url: server.url("/noresponse?id=\(id)"))
        let waiter = Task { try await client.stream(request) }
        #expect(try await server.waitFor(id, client: client) { $0.flag("received") })
        waiter.cancel()
        let result = await waiter.result
        #expect(throws: HTTPClientError.cancelled) { try result.get() }
        #expect(try await server.waitFor(id, client: client) { $0.flag("disconnected") })
    }

    @Test func alreadyCancelledTaskThrowsCancelled() async throws {
        let client = try HTTPClient()
        defer { client.shutdown() }
        let id = TestServer.uniqueID()
        let request = HTTPClientRequest(url: server.url("/echo?id=\(id)"))
        let (go, signal) = AsyncStream<Void>.makeStream()
        let task = Task {
            for await _ in go { break }
            return try await client.execute(request)
        }
        task.cancel()
        signal.yield()
        let result = await task.result
        #expect(throws: HTTPClientError.cancelled) { try result.get() }
    }

    @Test func droppingTheBodyAbortsTheTransfer() async throws {
        let client = try HTTPClient()
        defer { client.shutdown() }
        let id = TestServer.uniqueID()
        do {
            let response = try await client.stream(HTTPClientRequest(url: server.url("/hang?id=\(id)")))
            #expect(response.head.status == 200)
        }
        #expect(try await server.waitFor(id, client: client) { $0.flag("disconnected") })
    }

    @Test func explicitCancelEndsTheStream() async throws {
        let client = try HTTPClient()
        defer { client.shutdown() }
        let id = TestServer.uniqueID()
        let response = try await client.stream(HTTPClientRequest(url: server.url("/hang?id=\(id)")))
        response.body.cancel()
        await #expect(throws: HTTPClientError.cancelled) {
            for try await _ in response.body {}
        }
        #expect(try await server.waitFor(id, client: client) { $0.flag("disconnected") })
    }
}
