import Foundation
import Synchronization
import Testing

@testable import HTTPServer

/// A handler that waits (cancellably) for an hour and reports whether it was cancelled.
private func sleepyHandler(started: TestGate, cancelled: TestGate) -> @Sendable (Request) async -> Response {
    { _ in
        started.open()
        do {
            try await Task.sleep(for: .seconds(3600))
        } catch {
            cancelled.open()
        }
        return .text(200, "too late")
    }
}

@Suite(.serialized) struct HTTPServerLifecycleTests {
    @Test func deadlineAnswers504AndCancelsTheHandler() async throws {
        let started = TestGate()
        let cancelled = TestGate()
        try await withServer(
            { $0.requestDeadline = .milliseconds(200) }, handler: sleepyHandler(started: started, cancelled: cancelled)
        ) { server in
            let response = try await exchange(
                port: server.port, "GET /slow HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
            #expect(response.status == 504)
            #expect(response.text.contains("\"type\":\"deadline_exceeded\""))
            #expect(response.head.header("X-Request-Id")?.count == 32)
            await cancelled.wait()
            #expect(started.isOpen)
        }
    }

    @Test func clientDisconnectDuringSlowHandlerEndsInCancellation() async throws {
        let started = TestGate()
        let cancelled = TestGate()
        try await withServer(
            { $0.requestDeadline = .milliseconds(300) }, handler: sleepyHandler(started: started, cancelled: cancelled)
        ) { server in
            let connection = try TestConnection(port: server.port)
            try connection.send("GET /slow HTTP/1.1\r\nHost: t\r\n\r\n")
            await started.wait()
            connection.abort()
            // libmicrohttpd cannot see the hang-up while suspended; the deadline cancels the handler.
            await cancelled.wait()
            #expect(await eventually { server.openConnections == 0 })
            let next = try await exchange(port: server.port, "GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
            #expect(next.status == 504)  // the same sleepy handler, still answered by the deadline
        }
    }

    @Test func gracefulShutdownFinishesInFlightAndRefusesNewConnections() async throws {
        let started = TestGate()
        let release = TestGate()
        let handler: @Sendable (Request) async -> Response = { _ in
            started.open()
            await release.wait()
            return .text(200, "done")
        }
        let server = HTTPServer(configuration: HTTPServerConfiguration(port: 0), handler: handler)
        try server.start()
        let port = server.port
        let inFlight = try TestConnection(port: port)
        defer { inFlight.close() }
        try inFlight.send("GET /work HTTP/1.1\r\nHost: t\r\n\r\n")
        await started.wait()
        let shutdown = Task { await server.shutdown(grace: .seconds(60)) }
        let refused = await eventually {
            do {
                let probe = try TestConnection(port: port)
                probe.close()
                return false
            } catch {
                return (error as? TestSocketError) == .connectFailed(ECONNREFUSED)
            }
        }
        #expect(refused)
        release.open()
        let response = try await blocking { try inFlight.readResponse() }
        #expect(response.status == 200)
        #expect(response.text == "done")
        await shutdown.value
        await server.shutdown(grace: .zero)  // idempotent after completion
    }

    @Test func shutdownWithAHungStreamReturnsAfterGrace() async throws {
        let opened = TestGate()
        let unhang = TestGate()
        let probe = ProducerProbe()
        let handler: @Sendable (Request) async -> Response = { _ in
            .stream(200, contentType: "text/event-stream") { writer in
                try await writer.write("data: hello\n\n")
                opened.open()
                await unhang.wait()  // ignores cancellation: a truly hung producer
                do {
                    try await writer.write("data: never\n\n")
                } catch {
                    probe.outcome.withLock { $0 = error }
                }
                probe.done.open()
            }
        }
        let server = HTTPServer(configuration: HTTPServerConfiguration(port: 0), handler: handler)
        try server.start()
        let connection = try TestConnection(port: server.port)
        defer { connection.close() }
        let first = try await blocking {
            try connection.send("GET /events HTTP/1.1\r\nHost: t\r\n\r\n")
            _ = try connection.readHead()
            return try connection.readChunk()
        }
        #expect(first == Array("data: hello\n\n".utf8))
        await opened.wait()
        await server.shutdown(grace: .milliseconds(200))
        #expect(server.activeStreams == 0)
        #expect(server.openConnections == 0)
        #expect(throws: TestSocketError.closed) { try connection.readChunk() }
        unhang.open()
        await probe.done.wait()
        #expect(probe.streamError == .clientGone)
    }

    /// With `inline`, an inline handler would answer everything but `/hold`: draining still refuses it.
    @Test(arguments: [false, true]) func requestsArrivingWhileDrainingGet503(inline: Bool) async throws {
        let started = TestGate()
        let release = TestGate()
        let handler: @Sendable (Request) async -> Response = { request in
            if request.path == "/hold" {
                started.open()
                await release.wait()
            }
            return .text(200, "ok")
        }
        let inlineHandler: @Sendable (Request) -> Response? = { $0.path == "/hold" ? nil : .text(200, "inline") }
        let server = HTTPServer(
            configuration: HTTPServerConfiguration(port: 0), inlineHandler: inline ? inlineHandler : nil,
            handler: handler)
        try server.start()
        // An idle keep-alive connection opened before shutdown may still send a request while draining.
        let idle = try TestConnection(port: server.port)
        defer { idle.close() }
        let warm = try await blocking {
            try idle.send("GET /warm HTTP/1.1\r\nHost: t\r\n\r\n")
            return try idle.readResponse()
        }
        #expect(warm.status == 200)
        let holder = try TestConnection(port: server.port)
        defer { holder.close() }
        try holder.send("GET /hold HTTP/1.1\r\nHost: t\r\n\r\n")
        await started.wait()
        let shutdown = Task { await server.shutdown(grace: .seconds(60)) }
        #expect(await eventually { (try? TestConnection(port: server.port)).map { $0.close() } == nil })
        let late = try await blocking {
            try idle.send("GET /late HTTP/1.1\r\nHost: t\r\n\r\n")
            return try idle.readResponse()
        }
        #expect(late.status == 503)
        release.open()
        #expect(try await blocking { try holder.readResponse() }.status == 200)
        await shutdown.value
    }

    @Test func httpsWithASelfSignedCertificate() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("edge-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let key = directory.appendingPathComponent("key.pem").path
        let certificate = directory.appendingPathComponent("cert.pem").path
        _ = try runProcess(
            "/usr/bin/openssl",
            [
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", certificate, "-days", "1",
                "-subj", "/CN=localhost",
            ])
        #expect(FileManager.default.fileExists(atPath: certificate))
        try await withServer(
            {
                $0.tlsCertificatePath = certificate
                $0.tlsKeyPath = key
            }, handler: { request in .text(200, "secure \(request.path)") }
        ) { server in
            let body = try await blocking {
                try runProcess("/usr/bin/curl", ["-sk", "--max-time", "30", "https://127.0.0.1:\(server.port)/hello"])
            }
            #expect(body == "secure /hello")
            let plain = try await blocking {
                try runProcess("/usr/bin/curl", ["-s", "--max-time", "30", "http://127.0.0.1:\(server.port)/hello"])
            }
            #expect(plain != "secure /hello")
        }
    }

    @Test func unreadableTLSFilesFailToStart() {
        let configuration = HTTPServerConfiguration(
            port: 0, tlsCertificatePath: "/nonexistent/cert.pem", tlsKeyPath: "/nonexistent/key.pem")
        let server = HTTPServer(configuration: configuration, handler: { _ in .text(200, "") })
        #expect(throws: HTTPServerError.unreadableTLSFile(path: "/nonexistent/key.pem", errno: ENOENT)) {
            try server.start()
        }
    }
}
