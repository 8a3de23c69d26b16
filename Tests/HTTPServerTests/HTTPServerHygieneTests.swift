import Foundation
import Testing

@testable import HTTPServer

/// Connection hygiene on a real loopback daemon: clients that close half-way, trickle, hold slots or send bodies
/// nobody asked for cost the server nothing lasting.
@Suite(.serialized) struct HTTPServerHygieneTests {
    private static let ok: @Sendable (Request) async -> Response = { _ in .text(200, "ok") }

    @Test func clientsThatCloseMidHeadFreeTheirSlotsAtOnce() async throws {
        // 200 clients each send half a request head and close, against 16 slots and a 60 s idle timeout: with
        // slots held until the timeout, the request after them would be refused.
        try await withServer({ $0.connectionLimit = 16 }, handler: Self.ok) { server in
            try await blocking {
                for _ in 0..<200 {
                    let connection = try TestConnection(port: server.port)
                    try connection.send("GET / HTTP/1.1\r\nHost: x\r\n")
                    connection.close()
                }
            }
            #expect(await eventually { server.openConnections == 0 }, "open: \(server.openConnections)")
            let response = try await exchange(
                port: server.port, "GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
            #expect(response.status == 200)
        }
    }

    @Test func aHeadThatDoesNotArriveInTimeEndsTheConnection() async throws {
        try await withServer({ $0.headTimeout = .seconds(1) }, handler: Self.ok) { server in
            let (closed, elapsed) = try await blocking {
                let connection = try TestConnection(port: server.port, hangGuardSeconds: 10)
                defer { connection.close() }
                let started = ContinuousClock.now
                try connection.send("GET / HTTP/1.1\r\nHost: x\r\n")  // and nothing more
                let rest = connection.readToEnd()
                return (rest.isEmpty, ContinuousClock.now - started)
            }
            #expect(closed)
            // Deadline 1 s, checked once a second: closed after 1-2 s, far before the 60 s idle timeout.
            #expect(elapsed >= .milliseconds(900) && elapsed < .seconds(5), "\(elapsed)")
            #expect(await eventually { server.timedOutConnections == 1 })
        }
    }

    @Test func aBodyThatDoesNotArriveInTimeEndsTheConnection() async throws {
        let recorder = RequestRecorder()
        try await withServer({ $0.bodyTimeout = .seconds(1) }, handler: echoHandler(recorder)) { server in
            let elapsed = try await blocking {
                let connection = try TestConnection(port: server.port, hangGuardSeconds: 10)
                defer { connection.close() }
                let started = ContinuousClock.now
                try connection.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nabc")
                _ = connection.readToEnd()
                return ContinuousClock.now - started
            }
            #expect(elapsed >= .milliseconds(900) && elapsed < .seconds(5), "\(elapsed)")
            #expect(recorder.all.isEmpty)
        }
    }

    @Test func atTheLimitTheConnectionWaitingLongestMakesRoom() async throws {
        try await withServer({ $0.connectionLimit = 4 }, handler: Self.ok) { server in
            let idle = try await blocking { try (0..<4).map { _ in try TestConnection(port: server.port) } }
            defer { idle.forEach { $0.close() } }
            #expect(await eventually { server.openConnections == 4 })
            let response = try await exchange(
                port: server.port, "GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
            #expect(response.status == 200)
            #expect(server.shedConnections == 1)
            let oldestClosed = try await blocking { idle[0].readToEnd().isEmpty }
            #expect(oldestClosed)
        }
    }

    @Test func whenEverySlotIsBusyReservedConnectionsServeTheReservedPathsOnly() async throws {
        let gate = TestGate()
        let handler: @Sendable (Request) async -> Response = { request in
            if request.path == "/slow" { await gate.wait() }
            return .text(200, request.path)
        }
        let configure: (inout HTTPServerConfiguration) -> Void = {
            $0.connectionLimit = 2
            $0.reservedConnections = 2
            $0.reservedPaths = ["/healthz"]
        }
        try await withServer(configure, handler: handler) { server in
            let busy = try await blocking {
                try (0..<2).map { _ in
                    let connection = try TestConnection(port: server.port)
                    try connection.send("GET /slow HTTP/1.1\r\nHost: t\r\n\r\n")
                    return connection
                }
            }
            #expect(await eventually { server.core.inFlightCount == 2 })
            let other = try await exchange(port: server.port, "GET /work HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(other.status == 503)
            #expect(other.head.header("Retry-After") == "1")
            let probe = try await exchange(port: server.port, "GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(probe.status == 200)
            gate.open()
            for connection in busy {
                let answer = try await blocking { try connection.readResponse() }
                #expect(answer.status == 200)
                connection.close()
            }
        }
    }

    @Test func aRejectedHeadIsAnsweredWithoutReadingTheBody() async throws {
        let recorder = RequestRecorder()
        let admission: @Sendable (Request) -> Admission = { head in
            head.headers["Authorization"] == "Bearer good" ? .admit(caller: "key-1") : .reject(.text(401, "no"))
        }
        try await withServer(admission: admission, handler: echoHandler(recorder)) { server in
            let response = try await blocking {
                let connection = try TestConnection(port: server.port, hangGuardSeconds: 10)
                defer { connection.close() }
                // A megabyte announced, none of it sent: the answer must come from the head alone.
                try connection.send("POST /x HTTP/1.1\r\nHost: t\r\nContent-Length: 1000000\r\n\r\n")
                let response = try connection.readResponse()
                #expect(connection.readToEnd().isEmpty, "the connection is closed after the refusal")
                return response
            }
            #expect(response.status == 401)
            #expect(response.head.header("Connection") == "close")
            #expect(recorder.all.isEmpty)
        }
    }

    @Test func anAdmittedRequestCarriesItsPrincipal() async throws {
        let admission: @Sendable (Request) -> Admission = { _ in .admit(caller: "key-1") }
        let handler: @Sendable (Request) async -> Response = { .text(200, "\($0.caller ?? "-") \($0.body.count)") }
        try await withServer(admission: admission, handler: handler) { server in
            let response = try await exchange(
                port: server.port, "POST /x HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc")
            #expect(response.text == "key-1 3")
        }
    }

    @Test(arguments: [
        "Content-Length: 3\r\nContent-Length: 4\r\n",
        "Content-Length: 3\r\nTransfer-Encoding: chunked\r\n",
        "Transfer-Encoding: xchunked\r\n",
    ])
    func ambiguousFramingIs400AndCloses(_ fields: String) async throws {
        let recorder = RequestRecorder()
        try await withServer(handler: echoHandler(recorder)) { server in
            let (response, closed) = try await blocking {
                let connection = try TestConnection(port: server.port, hangGuardSeconds: 10)
                defer { connection.close() }
                try connection.send("POST /x HTTP/1.1\r\nHost: t\r\n\(fields)\r\nabc")
                let response = try connection.readResponse()
                return (response, connection.readToEnd().isEmpty)
            }
            #expect(response.status == 400)
            #expect(response.text.contains("bad_request_framing"))
            #expect(closed)
            #expect(recorder.all.isEmpty)
        }
    }

    @Test func bodiesInFlightShareOneBudget() async throws {
        let configure: (inout HTTPServerConfiguration) -> Void = {
            $0.maxBodyBytes = 1500
            $0.maxBufferedBodyBytes = 2000
        }
        try await withServer(configure, handler: Self.ok) { server in
            let holder = try await blocking {
                let connection = try TestConnection(port: server.port)
                try connection.send("POST /x HTTP/1.1\r\nHost: t\r\nContent-Length: 1500\r\n\r\nabc")
                return connection
            }
            defer { holder.close() }
            #expect(await eventually { server.bufferedBodyBytes == 1500 })
            let refused = try await exchange(
                port: server.port, "POST /y HTTP/1.1\r\nHost: t\r\nContent-Length: 1000\r\n\r\n")
            #expect(refused.status == 503)
            let small = try await exchange(
                port: server.port,
                "POST /z HTTP/1.1\r\nHost: t\r\nContent-Length: 400\r\nConnection: close\r\n\r\n"
                    + String(repeating: "q", count: 400))
            #expect(small.status == 200)
        }
    }
}
