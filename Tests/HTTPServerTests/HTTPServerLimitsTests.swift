import Foundation
import Testing

@testable import HTTPServer

@Suite(.serialized) struct HTTPServerLimitsTests {
    @Test func declaredBodyOverLimitGets413AndServerKeepsServing() async throws {
        let recorder = RequestRecorder()
        try await withServer({ $0.maxBodyBytes = 1024 }, handler: echoHandler(recorder)) { server in
            let response = try await exchange(
                port: server.port,
                "POST /big HTTP/1.1\r\nHost: t\r\nContent-Length: 5000\r\n\r\n" + String(repeating: "x", count: 5000))
            #expect(response.status == 413)
            #expect(response.head.header("Content-Type") == "application/json")
            #expect(response.text.contains("\"type\":\"request_too_large\""))
            let next = try await exchange(
                port: server.port, "POST /ok HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi")
            #expect(next.text == "POST /ok ? test=- body=hi")
            #expect(recorder.all.count == 1)
        }
    }

    @Test(arguments: [(1 << 20, 200), ((1 << 20) + 1, 413)])
    func bodyLimitBoundary(_ size: Int, _ status: Int) async throws {
        let handler: @Sendable (Request) async -> Response = { request in
            .text(200, "\(request.body.count) \(request.body.allSatisfy { $0 == 0x7A })")
        }
        try await withServer(handler: handler) { server in
            let response = try await blocking {
                let connection = try TestConnection(port: server.port)
                defer { connection.close() }
                let head = "POST /b HTTP/1.1\r\nHost: t\r\nContent-Length: \(size)\r\nExpect: 100-continue\r\n\r\n"
                try connection.send(head)
                // A polite client waits for 100 Continue; an over-limit body is refused before it is sent.
                let interim = try connection.readHead()
                guard interim.status == 100 else { return TestResponse(head: interim, body: []) }
                try connection.send([UInt8](repeating: 0x7A, count: size))
                return try connection.readResponse()
            }
            #expect(response.status == status)
            if status == 200 { #expect(response.text == "\(size) true") }
        }
    }

    @Test func chunkedBodyOverLimitIsDrainedThen413() async throws {
        let recorder = RequestRecorder()
        try await withServer({ $0.maxBodyBytes = 1024 }, handler: echoHandler(recorder)) { server in
            try await blocking {
                let connection = try TestConnection(port: server.port)
                defer { connection.close() }
                var upload = "POST /big HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
                for _ in 0..<10 { upload += "200\r\n" + String(repeating: "y", count: 512) + "\r\n" }
                try connection.send(upload + "0\r\n\r\n")
                let rejected = try connection.readResponse()
                #expect(rejected.status == 413)
                // The rejected body was drained, so the connection still carries the next request.
                try connection.send("GET /after HTTP/1.1\r\nHost: t\r\n\r\n")
                #expect(try connection.readResponse().text.hasPrefix("GET /after "))
            }
            #expect(recorder.all.map(\.path) == ["/after"])
        }
    }

    @Test func oversizedHeadersAreRejectedByLibmicrohttpd() async throws {
        let recorder = RequestRecorder()
        try await withServer({ $0.maxHeaderBytes = 4096 }, handler: echoHandler(recorder)) { server in
            let huge = String(repeating: "h", count: 8000)
            let response = try await exchange(
                port: server.port, "GET / HTTP/1.1\r\nHost: t\r\nX-Huge: \(huge)\r\nConnection: close\r\n\r\n")
            #expect([413, 414, 431].contains(response.status))
            #expect(recorder.all.isEmpty)
            let next = try await exchange(
                port: server.port, "GET /fine HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
            #expect(next.status == 200)
        }
    }

    @Test func perIPConnectionLimitIsEnforced() async throws {
        try await withServer({ $0.perIPConnectionLimit = 2 }, handler: { _ in .text(200, "ok") }) { server in
            let second = try await blocking {
                let first = try TestConnection(port: server.port)
                let second = try TestConnection(port: server.port)
                for connection in [first, second] {
                    try connection.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n")
                    #expect(try connection.readResponse().status == 200)
                }
                let third = try TestConnection(port: server.port)
                try? third.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n")
                #expect(throws: (any Error).self) { try third.readResponse() }  // closed without an answer
                third.close()
                first.close()
                return second
            }
            defer { second.close() }
            #expect(await eventually { server.openConnections == 1 }, "open: \(server.openConnections)")
            let again = try await exchange(port: server.port, "GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
            #expect(again.status == 200)
        }
    }

    @Test func thousandIdleStreamsDoNotAddThreads() async throws {
        var limit = rlimit()
        // Sound: both calls read/write one local rlimit.
        unsafe getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        if limit.rlim_cur < 4096 {
            limit.rlim_cur = min(limit.rlim_max, 4096)
            unsafe setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        }
        let streams = limit.rlim_cur >= 2600 ? 1000 : Int(limit.rlim_cur / 3)
        let handler: @Sendable (Request) async -> Response = { _ in
            .stream(200, contentType: "text/event-stream") { writer in
                try await writer.write(": open\n\n")
                try await Task.sleep(for: .seconds(3600))  // idle until cancelled by shutdown
            }
        }
        try await withServer({ $0.connectionLimit = 4096 }, handler: handler) { server in
            // Warm up: one stream brings up every thread the steady state needs.
            let warm = try await blocking { try openStream(port: server.port) }
            #expect(await eventually { server.activeStreams == 1 })
            let before = threadCount()
            let connections = try await blocking {
                try (0..<streams).map { _ in try openStream(port: server.port) }
            }
            #expect(await eventually { server.activeStreams == streams + 1 })
            #expect(server.openConnections == streams + 1)
            let after = threadCount()
            // A thread per stream would add `streams` threads; allow noise from tests running in parallel.
            #expect(after - before < 32, "threads before \(before), after \(after)")
            await server.shutdown(grace: .zero)
            #expect(server.activeStreams == 0)
            for connection in connections + [warm] { connection.close() }
        }
    }
}

/// Opens a streaming request and reads its head and first chunk.
private func openStream(port: Int) throws -> TestConnection {
    let connection = try TestConnection(port: port)
    try connection.send("GET /events HTTP/1.1\r\nHost: t\r\n\r\n")
    let head = try connection.readHead()
    guard head.status == 200, try connection.readChunk() == Array(": open\n\n".utf8) else {
        throw TestSocketError.malformed("stream did not open")
    }
    return connection
}

/// Threads in this process, not counting the test client's own socket threads.
private func threadCount() -> Int {
    let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []
    return tasks.filter { task in
        let name = try? String(contentsOfFile: "/proc/self/task/\(task)/comm", encoding: .utf8)
        return name?.trimmingCharacters(in: .whitespacesAndNewlines) != testClientThreadName
    }.count
}
