import Synchronization
import Testing

@testable import HTTPServer

/// What a stream producer observed, for tests to inspect.
final class ProducerProbe: Sendable {
    let bytesWritten = Atomic<Int>(0)
    let writer = Mutex<ResponseBodyWriter?>(nil)
    let outcome = Mutex<(any Error)?>(nil)
    let done = TestGate()

    var streamError: ResponseStreamError? { outcome.withLock { $0 as? ResponseStreamError } }
}

@Suite(.serialized) struct HTTPServerStreamingTests {
    @Test func chunksArriveIncrementallyAndInOrder() async throws {
        let gates = (0..<5).map { _ in TestGate() }
        let handler: @Sendable (Request) async -> Response = { _ in
            .stream(200, contentType: "text/event-stream") { writer in
                for (index, gate) in gates.enumerated() {
                    try await writer.write("data: \(index)\n\n")
                    await gate.wait()  // the next chunk exists only after the client saw this one
                }
            }
        }
        try await withServer(handler: handler) { server in
            let connection = try TestConnection(port: server.port)
            defer { connection.close() }
            let head = try await blocking {
                try connection.send("GET /s HTTP/1.1\r\nHost: t\r\n\r\n")
                return try connection.readHead()
            }
            #expect(head.status == 200)
            #expect(head.header("Transfer-Encoding") == "chunked")
            #expect(head.header("Content-Type") == "text/event-stream")
            #expect(await eventually { server.activeStreams == 1 })
            for (index, gate) in gates.enumerated() {
                let chunk = try await blocking { try connection.readChunk() }
                #expect(chunk == Array("data: \(index)\n\n".utf8))
                gate.open()
            }
            #expect(try await blocking { try connection.readChunk() } == nil)
            #expect(await eventually { server.activeStreams == 0 })
            // The connection is reusable after a completed chunked response.
            let again = try await blocking {
                try connection.send("GET /s HTTP/1.1\r\nHost: t\r\n\r\n")
                return try connection.readResponse()
            }
            #expect(again.text == "data: 0\n\ndata: 1\n\ndata: 2\n\ndata: 3\n\ndata: 4\n\n")
        }
    }

    @Test func producerErrorCutsTheChunkedBodyShort() async throws {
        struct Boom: Error {}
        let handler: @Sendable (Request) async -> Response = { _ in
            .stream(200, contentType: "text/plain") { writer in
                try await writer.write("partial")
                throw Boom()
            }
        }
        try await withServer(handler: handler) { server in
            try await blocking {
                let connection = try TestConnection(port: server.port)
                defer { connection.close() }
                try connection.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n")
                _ = try connection.readHead()
                #expect(try connection.readChunk() == Array("partial".utf8))
                #expect(throws: TestSocketError.closed) { try connection.readChunk() }
            }
        }
    }

    @Test func slowReaderHoldsTheProducerAndDisconnectThrowsClientGone() async throws {
        let probe = ProducerProbe()
        let piece = [UInt8](repeating: 0x61, count: 64 * 1024)
        let total = 50 << 20
        let handler: @Sendable (Request) async -> Response = { _ in
            .stream(200, contentType: "application/octet-stream") { writer in
                probe.writer.withLock { $0 = writer }
                do {
                    while probe.bytesWritten.load(ordering: .relaxed) < total {
                        try await writer.write(piece)
                        probe.bytesWritten.add(piece.count, ordering: .relaxed)
                    }
                } catch {
                    probe.outcome.withLock { $0 = error }
                }
                probe.done.open()
            }
        }
        try await withServer({ $0.streamBufferBytes = 64 * 1024 }, handler: handler) { server in
            let connection = try TestConnection(port: server.port)
            let head = try await blocking {
                try connection.send("GET /big HTTP/1.1\r\nHost: t\r\n\r\n")
                return try connection.readHead()
            }
            #expect(head.status == 200)
            // The client reads nothing more: socket buffers fill, then the stream buffer, then write waits.
            #expect(await eventually { probe.writer.withLock { $0?.isWaitingForSpace ?? false } })
            let held = probe.bytesWritten.load(ordering: .relaxed)
            #expect(held < total)
            connection.abort()
            await probe.done.wait()
            #expect(probe.streamError == .clientGone)
            #expect(probe.bytesWritten.load(ordering: .relaxed) < total)
            #expect(await eventually { server.activeStreams == 0 })
        }
    }

    @Test func streamPastTheDeadlineIsAborted() async throws {
        let probe = ProducerProbe()
        let handler: @Sendable (Request) async -> Response = { _ in
            .stream(200, contentType: "text/plain") { writer in
                do {
                    try await writer.write("first")
                    try await Task.sleep(for: .seconds(3600))
                } catch {
                    probe.outcome.withLock { $0 = error }
                }
                probe.done.open()
            }
        }
        try await withServer({ $0.requestDeadline = .milliseconds(300) }, handler: handler) { server in
            try await blocking {
                let connection = try TestConnection(port: server.port)
                defer { connection.close() }
                try connection.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n")
                _ = try connection.readHead()
                #expect(try connection.readChunk() == Array("first".utf8))
                #expect(throws: TestSocketError.closed) { try connection.readChunk() }
            }
            await probe.done.wait()
            #expect(probe.outcome.withLock { $0 is CancellationError })
        }
    }
}
