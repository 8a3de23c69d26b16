import Foundation
import Synchronization
import Testing

@testable import HTTPServer

/// Counts the requests that reached the (suspending) handler.
private final class HandlerCount: Sendable {
    private let count = Atomic<Int>(0)
    func increment() { count.add(1, ordering: .relaxed) }
    var value: Int { count.load(ordering: .relaxed) }
}

/// Answers `/inline…` paths inline (echoing method, body and request id) and declines every other path.
private let inlineForInlinePaths: @Sendable (Request) -> Response? = { request in
    guard request.path.hasPrefix("/inline") else { return nil }
    var response = Response.text(200, "inline \(request.method) body=\(String(decoding: request.body, as: UTF8.self))")
    response.headers.add(name: "X-Seen-Id", value: request.id)
    return response
}

private func countingHandler(_ count: HandlerCount) -> @Sendable (Request) async -> Response {
    { request in
        count.increment()
        return .text(200, "async \(request.path)")
    }
}

@Suite(.serialized) struct HTTPServerInlineTests {
    @Test func anInlineAnswerIsSentWithoutTheHandler() async throws {
        let count = HandlerCount()
        try await withServer(inline: inlineForInlinePaths, handler: countingHandler(count)) { server in
            let response = try await exchange(
                port: server.port,
                "GET /inline HTTP/1.1\r\nHost: t\r\nX-Request-Id: fast-1\r\nConnection: close\r\n\r\n")
            #expect(response.status == 200)
            #expect(response.text == "inline GET body=")
            #expect(response.head.header("X-Request-Id") == "fast-1")
            #expect(response.head.header("X-Seen-Id") == "fast-1")
            #expect(count.value == 0)
        }
    }

    @Test func aDeclinedRequestGoesToTheHandler() async throws {
        let count = HandlerCount()
        try await withServer(inline: inlineForInlinePaths, handler: countingHandler(count)) { server in
            let response = try await exchange(
                port: server.port, "GET /elsewhere HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
            #expect(response.text == "async /elsewhere")
            #expect(response.head.header("X-Request-Id")?.count == 32)
            #expect(count.value == 1)
        }
    }

    @Test func inlineAndSuspendedAnswersShareAKeepAliveConnection() async throws {
        let count = HandlerCount()
        try await withServer(inline: inlineForInlinePaths, handler: countingHandler(count)) { server in
            let texts = try await blocking {
                let connection = try TestConnection(port: server.port)
                defer { connection.close() }
                var texts: [String] = []
                for path in ["/inline", "/other", "/inline", "/other"] {
                    try connection.send("GET \(path) HTTP/1.1\r\nHost: t\r\n\r\n")
                    texts.append(try connection.readResponse().text)
                }
                return texts
            }
            #expect(texts == ["inline GET body=", "async /other", "inline GET body=", "async /other"])
            #expect(count.value == 2)
        }
    }

    @Test func anInlineHandlerSeesTheBody() async throws {
        try await withServer(inline: inlineForInlinePaths, handler: countingHandler(HandlerCount())) { server in
            let response = try await exchange(
                port: server.port,
                "POST /inline HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello")
            #expect(response.text == "inline POST body=hello")
        }
    }

    @Test func headOfAnInlineAnswerHasItsLengthButNoBody() async throws {
        try await withServer(inline: inlineForInlinePaths, handler: countingHandler(HandlerCount())) { server in
            let (head, rest) = try await blocking {
                let connection = try TestConnection(port: server.port)
                defer { connection.close() }
                try connection.send("HEAD /inline HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
                return (try connection.readHead(), connection.readToEnd())
            }
            #expect(head.status == 200)
            #expect(head.header("Content-Length") == "\("inline HEAD body=".utf8.count)")
            #expect(rest.isEmpty)
        }
    }

    @Test func anOversizedBodyIsRefusedBeforeTheInlineHandler() async throws {
        let seen = HandlerCount()
        let inline: @Sendable (Request) -> Response? = { _ in
            seen.increment()
            return .text(200, "should not answer")
        }
        try await withServer({ $0.maxBodyBytes = 16 }, inline: inline, handler: countingHandler(HandlerCount())) {
            server in
            let response = try await exchange(
                port: server.port,
                "POST /inline HTTP/1.1\r\nHost: t\r\nContent-Length: 64\r\nConnection: close\r\n\r\n"
                    + String(repeating: "x", count: 64))
            #expect(response.status == 413)
            #expect(seen.value == 0)
        }
    }

    @Test func aDeclinedRequestStillHasItsDeadline() async throws {
        let slow: @Sendable (Request) async -> Response = { _ in
            try? await Task.sleep(for: .seconds(3600))
            return .text(200, "too late")
        }
        try await withServer({ $0.requestDeadline = .milliseconds(200) }, inline: inlineForInlinePaths, handler: slow) {
            server in
            let late = try await exchange(
                port: server.port, "GET /slow HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
            #expect(late.status == 504)
            let fast = try await exchange(
                port: server.port, "GET /inline HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
            #expect(fast.status == 200)
        }
    }

    @Test func anInlineStreamIsProducedAfterTheHeaders() async throws {
        let inline: @Sendable (Request) -> Response? = { _ in
            .stream(200, contentType: "text/plain") { writer in
                try await writer.write("one ")
                try await writer.write("two")
            }
        }
        try await withServer(inline: inline, handler: countingHandler(HandlerCount())) { server in
            let response = try await exchange(
                port: server.port, "GET /s HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
            #expect(response.head.header("Transfer-Encoding")?.lowercased() == "chunked")
            #expect(response.text == "one two")
            #expect(await eventually { server.activeStreams == 0 })
        }
    }

    @Test func bothPathsWorkOnAThreadPool() async throws {
        let count = HandlerCount()
        try await withServer({ $0.workerThreads = 2 }, inline: inlineForInlinePaths, handler: countingHandler(count)) {
            server in
            for path in ["/inline", "/other", "/inline", "/other"] {
                let response = try await exchange(
                    port: server.port, "GET \(path) HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
                #expect(response.status == 200)
            }
            #expect(count.value == 2)
        }
    }
}
