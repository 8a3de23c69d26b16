import Foundation
import Synchronization
import Testing

@testable import HTTPServer

/// Keeps the requests a handler saw.
final class RequestRecorder: Sendable {
    private let requests = Mutex<[Request]>([])

    func record(_ request: Request) {
        requests.withLock { $0.append(request) }
    }

    var all: [Request] { requests.withLock { $0 } }
}

/// Answers with a text rendering of the request so tests can check what the server parsed.
func echoHandler(_ recorder: RequestRecorder) -> @Sendable (Request) async -> Response {
    { request in
        recorder.record(request)
        let query = request.query.map { "\($0.name)=\($0.value)" }.joined(separator: "&")
        let text =
            "\(request.method) \(request.path) ?\(query) test=\(request.headers["x-test"] ?? "-") "
            + "body=\(String(decoding: request.body, as: UTF8.self))"
        var response = Response.text(200, text)
        response.headers.add(name: "X-Remote", value: request.remoteAddress)
        return response
    }
}

@Suite(.serialized) struct HTTPServerTests {
    @Test func echoesGetWithDecodedPathQueryAndHeaders() async throws {
        let recorder = RequestRecorder()
        try await withServer(handler: echoHandler(recorder)) { server in
            let response = try await exchange(
                port: server.port,
                "GET /echo/a%20b?x=1&y=hello%20world&x=2&flag HTTP/1.1\r\nHost: t\r\nX-Test: Yes\r\n"
                    + "X-Request-Id: req-42\r\nConnection: close\r\n\r\n")
            #expect(response.status == 200)
            #expect(response.text == "GET /echo/a b ?x=1&y=hello world&x=2&flag= test=Yes body=")
            #expect(response.head.header("Content-Type") == "text/plain; charset=utf-8")
            #expect(response.head.header("X-Request-Id") == "req-42")
            #expect(response.head.header("X-Remote") == "127.0.0.1")
            let request = try #require(recorder.all.first)
            #expect(request.id == "req-42")
            #expect(request.queryValue("y") == "hello world")
            #expect(request.headers["HOST"] == "t")
            #expect(request.headers.map(\.name).prefix(2) == ["Host", "X-Test"])
        }
    }

    @Test func echoesPostBody() async throws {
        let recorder = RequestRecorder()
        try await withServer(handler: echoHandler(recorder)) { server in
            let body = "{\"hello\":\"wörld\"}"
            let response = try await exchange(
                port: server.port,
                "POST /v1/things HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
                    + "Content-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n\(body)")
            #expect(response.text == "POST /v1/things ? test=- body=\(body)")
            #expect(recorder.all.first?.body == Array(body.utf8))
        }
    }

    @Test func chunkedUploadIsReassembled() async throws {
        let recorder = RequestRecorder()
        try await withServer(handler: echoHandler(recorder)) { server in
            let response = try await exchange(
                port: server.port,
                "PUT /up HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                    + "3\r\nabc\r\n4\r\ndefg\r\n0\r\n\r\n")
            #expect(response.text == "PUT /up ? test=- body=abcdefg")
        }
    }

    @Test func generatesARequestIDWhenTheClientsIsUnusable() async throws {
        let recorder = RequestRecorder()
        try await withServer(handler: echoHandler(recorder)) { server in
            let response = try await exchange(
                port: server.port, "GET / HTTP/1.1\r\nHost: t\r\nX-Request-Id: a b\r\nConnection: close\r\n\r\n")
            let id = try #require(response.head.header("X-Request-Id"))
            #expect(id.count == 32 && id != "a b")
            #expect(recorder.all.first?.id == id)
        }
    }

    @Test(arguments: [200, 201, 302, 404, 418, 500, 503])
    func handlerStatusIsSent(_ status: Int) async throws {
        try await withServer(handler: { _ in .text(status, "s\(status)") }) { server in
            let response = try await exchange(
                port: server.port, "GET /x HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
            #expect(response.status == status)
            #expect(response.text == "s\(status)")
        }
    }

    @Test func invalidStatusBecomes500() async throws {
        try await withServer(handler: { _ in .text(42, "odd") }) { server in
            let response = try await exchange(
                port: server.port, "GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
            #expect(response.status == 500)
        }
    }

    @Test func keepAliveServesSeveralRequestsOnOneConnection() async throws {
        let recorder = RequestRecorder()
        try await withServer(handler: echoHandler(recorder)) { server in
            try await blocking {
                let connection = try TestConnection(port: server.port)
                defer { connection.close() }
                for index in 0..<3 {
                    try connection.send("GET /n/\(index) HTTP/1.1\r\nHost: t\r\n\r\n")
                    let response = try connection.readResponse()
                    #expect(response.text.hasPrefix("GET /n/\(index) "))
                    #expect(server.openConnections == 1)
                }
            }
            #expect(await eventually { server.openConnections == 0 })
        }
    }

    @Test func workerThreadPoolServesConcurrentRequestsAndStreams() async throws {
        let handler: @Sendable (Request) async -> Response = { request in
            if request.path == "/stream" {
                return .stream(200, contentType: "text/plain") { writer in
                    for index in 0..<3 { try await writer.write("s\(index);") }
                }
            }
            try? await Task.sleep(for: .milliseconds(20))
            return .text(200, request.path)
        }
        try await withServer({ $0.workerThreads = 3 }, handler: handler) { server in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<24 {
                    group.addTask {
                        let path = index % 4 == 0 ? "/stream" : "/r\(index)"
                        let response = try await exchange(
                            port: server.port, "GET \(path) HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
                        #expect(response.text == (path == "/stream" ? "s0;s1;s2;" : path))
                    }
                }
                try await group.waitForAll()
            }
        }
    }

    @Test func portZeroBindsARealPort() async throws {
        let server = HTTPServer(configuration: HTTPServerConfiguration(port: 0), handler: { _ in .text(200, "ok") })
        #expect(server.port == 0)
        try server.start()
        #expect(server.port > 0 && server.port <= 65535)
        let response = try await exchange(port: server.port, "GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
        #expect(response.text == "ok")
        await server.shutdown(grace: .seconds(1))
    }

    @Test func startFailuresAreTyped() async throws {
        let first = HTTPServer(configuration: HTTPServerConfiguration(port: 0), handler: { _ in .text(200, "") })
        try first.start()
        #expect(throws: HTTPServerError.alreadyStarted) { try first.start() }
        let clash = HTTPServer(
            configuration: HTTPServerConfiguration(port: first.port), handler: { _ in .text(200, "") })
        #expect(throws: HTTPServerError.startFailed(host: "127.0.0.1", port: first.port, errno: EADDRINUSE)) {
            try clash.start()
        }
        let badHost = HTTPServer(
            configuration: HTTPServerConfiguration(host: "example.com"), handler: { _ in .text(200, "") })
        #expect(throws: HTTPServerError.invalidHost("example.com")) { try badHost.start() }
        await first.shutdown(grace: .zero)
        await first.shutdown(grace: .zero)  // idempotent
    }

    @Test func servesIPv6Loopback() async throws {
        var configuration = HTTPServerConfiguration(host: "::1", port: 0)
        configuration.idleTimeout = .seconds(5)
        let server = HTTPServer(configuration: configuration, handler: { request in .text(200, request.remoteAddress) })
        guard ipv6LoopbackAvailable() else { return }  // a host without ::1 has nothing to test here
        try server.start()
        let output = try runProcess("/usr/bin/curl", ["-s", "-g", "http://[::1]:\(server.port)/"])
        #expect(output == "::1")
        await server.shutdown(grace: .zero)
    }
}

/// Runs a command and returns its standard output as text (stderr discarded).
func runProcess(_ path: String, _ arguments: [String]) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    let output = Pipe()
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: data, as: UTF8.self)
}

/// Whether this host can bind a socket to [::1].
func ipv6LoopbackAvailable() -> Bool {
    let fd = socket(AF_INET6, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return false }
    defer { close(fd) }
    var address = sockaddr_in6()
    address.sin6_family = sa_family_t(AF_INET6)
    unsafe address.sin6_addr.__in6_u.__u6_addr8.15 = 1  // ::1 (a C union member)
    // Sound: points at a local sockaddr_in6 of the stated size, during the call only.
    return unsafe withUnsafePointer(to: &address) {
        unsafe $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            unsafe bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) == 0
        }
    }
}
