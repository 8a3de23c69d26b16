import Foundation
import Synchronization

@testable import HTTPServer

#if canImport(Glibc)
    import Glibc
#endif

/// Failures of the tiny blocking test client.
enum TestSocketError: Error, Equatable {
    /// connect(2) failed with this errno.
    case connectFailed(Int32)
    /// send(2) failed with this errno.
    case sendFailed(Int32)
    /// recv(2) failed with this errno (EAGAIN means the 30 s hang guard fired).
    case receiveFailed(Int32)
    /// The peer closed the connection before the expected bytes arrived.
    case closed
    /// The bytes were not HTTP as expected.
    case malformed(String)
}

/// A response head: status and header fields.
struct TestResponseHead {
    var status: Int
    var headers: [(name: String, value: String)]

    func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }
}

/// A whole response.
struct TestResponse {
    var head: TestResponseHead
    var body: [UInt8]
    var status: Int { head.status }
    var text: String { String(decoding: body, as: UTF8.self) }
}

/// One blocking TCP connection to a loopback server (raw POSIX sockets, HTTP/1.1 by hand).
final class TestConnection: @unchecked Sendable {  // used from one task at a time
    let fd: Int32
    private var buffer: [UInt8] = []

    /// Connects to 127.0.0.1:`port`; reads give up after `hangGuardSeconds` so a broken server cannot hang tests.
    init(port: Int, hangGuardSeconds: Int = 30) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian  // 127.0.0.1
        var timeout = timeval(tv_sec: hangGuardSeconds, tv_usec: 0)
        // Sound: each pointer below is to a local of the stated size and is used only during the call.
        unsafe setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        unsafe setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let result = unsafe withUnsafePointer(to: &address) {
            unsafe $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                unsafe Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        if result != 0 {
            let failure = errno
            Glibc.close(fd)
            throw TestSocketError.connectFailed(failure)
        }
    }

    func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            // Sound: send reads only the slice's bytes, during the call.
            let sent = unsafe bytes[offset...].withUnsafeBytes {
                unsafe Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            if sent < 0 {
                if errno == EINTR { continue }
                throw TestSocketError.sendFailed(errno)
            }
            offset += sent
        }
    }

    func send(_ text: String) throws {
        try send(Array(text.utf8))
    }

    /// Reads what is available (at least one byte); [] at end of stream.
    func receiveSome(max: Int = 65_536) throws -> [UInt8] {
        if !buffer.isEmpty {
            defer { buffer = [] }
            return buffer
        }
        var chunk = [UInt8](repeating: 0, count: max)
        while true {
            // Sound: recv writes at most chunk.count bytes into chunk, during the call.
            let count = unsafe chunk.withUnsafeMutableBytes { unsafe recv(fd, $0.baseAddress, $0.count, 0) }
            if count >= 0 { return Array(chunk[0..<count]) }
            if errno == EINTR { continue }
            throw TestSocketError.receiveFailed(errno)
        }
    }

    /// Reads the status line and headers.
    func readHead() throws -> TestResponseHead {
        let raw = try readUntil(Array("\r\n\r\n".utf8))
        let lines = String(decoding: raw, as: UTF8.self).components(separatedBy: "\r\n").filter { !$0.isEmpty }
        guard let statusLine = lines.first, statusLine.hasPrefix("HTTP/1."),
            let status = Int(statusLine.split(separator: " ")[1])
        else { throw TestSocketError.malformed(lines.first ?? "") }
        let headers = lines.dropFirst().map { line -> (name: String, value: String) in
            let parts = line.split(separator: ":", maxSplits: 1)
            return (String(parts[0]), parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : "")
        }
        return TestResponseHead(status: status, headers: headers)
    }

    /// Reads the body that follows `head` (Content-Length, chunked, or until close).
    func readBody(for head: TestResponseHead) throws -> [UInt8] {
        if head.header("Transfer-Encoding")?.lowercased() == "chunked" {
            var body: [UInt8] = []
            while let chunk = try readChunk() { body += chunk }
            return body
        }
        if let length = head.header("Content-Length").flatMap({ Int($0) }) {
            return try readExactly(length)
        }
        return readToEnd()
    }

    /// The next chunk's payload; nil after the last chunk (and its trailers).
    func readChunk() throws -> [UInt8]? {
        let line = String(decoding: try readUntil(Array("\r\n".utf8)), as: UTF8.self)
        let sizeText = line.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ";").first ?? ""
        guard let size = Int(sizeText, radix: 16) else { throw TestSocketError.malformed("chunk size \(line)") }
        if size == 0 {
            while try readUntil(Array("\r\n".utf8)).count > 2 {}  // trailers, then the blank line
            return nil
        }
        let payload = try readExactly(size)
        _ = try readExactly(2)
        return payload
    }

    /// A whole response (head and body).
    func readResponse() throws -> TestResponse {
        let head = try readHead()
        return TestResponse(head: head, body: try readBody(for: head))
    }

    /// Everything until the peer closes or errors.
    func readToEnd() -> [UInt8] {
        var all: [UInt8] = []
        while let more = try? receiveSome(), !more.isEmpty { all += more }
        return all
    }

    func close() {
        Glibc.close(fd)
    }

    /// Closes so that unread data makes the kernel send RST (an abrupt client).
    func abort() {
        var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
        // Sound: points at a local linger struct of the stated size.
        unsafe setsockopt(fd, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
        Glibc.close(fd)
    }

    private func readUntil(_ delimiter: [UInt8]) throws -> [UInt8] {
        while true {
            if let range = firstRange(of: delimiter) {
                let result = Array(buffer[..<range])
                buffer.removeFirst(range + delimiter.count)
                return result + delimiter
            }
            try fill()
        }
    }

    private func readExactly(_ count: Int) throws -> [UInt8] {
        while buffer.count < count { try fill() }
        defer { buffer.removeFirst(count) }
        return Array(buffer[..<count])
    }

    private func fill() throws {
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            // Sound: recv writes at most chunk.count bytes into chunk, during the call.
            let count = unsafe chunk.withUnsafeMutableBytes { unsafe recv(fd, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                buffer += chunk[0..<count]
                return
            }
            if count == 0 { throw TestSocketError.closed }
            if errno == EINTR { continue }
            throw TestSocketError.receiveFailed(errno)
        }
    }

    private func firstRange(of delimiter: [UInt8]) -> Int? {
        guard buffer.count >= delimiter.count else { return nil }
        for start in 0...(buffer.count - delimiter.count) where buffer[start] == delimiter[0] {
            if Array(buffer[start..<(start + delimiter.count)]) == delimiter { return start }
        }
        return nil
    }
}

/// Name of the threads `blocking` starts.
let testClientThreadName = "test-client"

/// Runs blocking socket work on a thread of its own: never on the cooperative pool, nor on dispatch's
/// global queues (on Linux the concurrency runtime shares those threads, so blocking them starves tasks).
func blocking<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread {
            Thread.current.name = testClientThreadName  // excluded from thread counts
            continuation.resume(with: Result { try body() })
        }.start()
    }
}

/// Sends one raw request on a fresh connection and reads the response.
func exchange(port: Int, _ rawRequest: String) async throws -> TestResponse {
    try await blocking {
        let connection = try TestConnection(port: port)
        defer { connection.close() }
        try connection.send(rawRequest)
        return try connection.readResponse()
    }
}

/// A one-shot latch: `wait()` returns once `open()` was called (before or after).
final class TestGate: Sendable {
    private let state = Mutex<(opened: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    func open() {
        let waiters = state.withLock { state in
            state.opened = true
            defer { state.waiters = [] }
            return state.waiters
        }
        waiters.forEach { $0.resume() }
    }

    var isOpen: Bool { state.withLock { $0.opened } }

    func wait() async {
        await withCheckedContinuation { continuation in
            let openNow = state.withLock { state in
                if state.opened { return true }
                state.waiters.append(continuation)
                return false
            }
            if openNow { continuation.resume() }
        }
    }
}

/// Waits (10 ms steps, up to ~10 s) until `condition` holds; returns whether it did.
func eventually(_ condition: () -> Bool) async -> Bool {
    for _ in 0..<1000 {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(10))
    }
    return condition()
}

/// Starts a server on an ephemeral loopback port, runs `body`, and always shuts the server down.
func withServer(
    _ configure: (inout HTTPServerConfiguration) -> Void = { _ in },
    admission: (@Sendable (Request) -> Admission)? = nil,
    inline: (@Sendable (Request) -> Response?)? = nil,
    handler: @escaping @Sendable (Request) async -> Response,
    _ body: (HTTPServer) async throws -> Void
) async throws {
    var configuration = HTTPServerConfiguration(host: "127.0.0.1", port: 0)
    configure(&configuration)
    let server = HTTPServer(
        configuration: configuration, admission: admission, inlineHandler: inline, handler: handler)
    try server.start()
    do {
        try await body(server)
    } catch {
        await server.shutdown(grace: .zero)
        throw error
    }
    await server.shutdown(grace: .zero)
}
