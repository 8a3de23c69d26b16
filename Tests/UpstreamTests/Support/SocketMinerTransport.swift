import Foundation
import Glibc
import Synchronization
import Upstream

/// Errors of the test socket client.
enum SocketClientError: Error, Equatable {
    /// The URL is not `http://<ipv4 or localhost>:<port>/<path>`.
    case unsupportedURL(String)
    /// A socket call failed with `errno`.
    case system(call: String, errno: Int32)
    /// The connection was aborted by cancellation.
    case aborted
    /// The response head is malformed or too large.
    case malformedResponse
    /// The server closed the connection before the response head or a declared body length.
    case prematureEOF
}

/// A minimal HTTP/1.1 client over a blocking POSIX socket on a detached thread: enough to talk to the fake
/// miner (Content-Length or close-delimited bodies). Cancelling `open` or the body consumer shuts the socket
/// down, which is exactly what the pool expects of a real transport.
struct SocketMinerTransport: MinerTransport {
    func open(_ request: MinerHTTPRequest) async throws -> MinerHTTPStream {
        let target = try Self.parse(request.url)
        let socket = SocketHandle()
        let (body, bodyContinuation) = AsyncThrowingStream.makeStream(of: [UInt8].self)
        bodyContinuation.onTermination = { _ in socket.abort() }
        let message = Self.serialize(request, host: target.host, port: target.port, path: target.path)
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (head: CheckedContinuation<MinerHTTPStream, any Error>) in
                let thread = Thread {
                    socket.run(
                        host: target.host, port: target.port, timeout: request.connectTimeout, message: message,
                        head: { result in
                            head.resume(with: result.map { MinerHTTPStream(status: $0.0, headers: $0.1, body: body) })
                        },
                        body: bodyContinuation)
                }
                thread.start()
            }
        } onCancel: {
            socket.abort()
        }
    }

    static func parse(_ url: String) throws -> (host: String, port: UInt16, path: String) {
        guard url.hasPrefix("http://") else { throw SocketClientError.unsupportedURL(url) }
        let rest = url.dropFirst("http://".count)
        let authority = rest.prefix { $0 != "/" }
        let path = rest.dropFirst(authority.count)
        let parts = authority.split(separator: ":")
        guard parts.count == 2, let port = UInt16(parts[1]) else { throw SocketClientError.unsupportedURL(url) }
        let host = parts[0] == "localhost" ? "127.0.0.1" : String(parts[0])
        return (host, port, path.isEmpty ? "/" : String(path))
    }

    static func serialize(_ request: MinerHTTPRequest, host: String, port: UInt16, path: String) -> [UInt8] {
        var head = "\(request.method) \(path) HTTP/1.1\r\nHost: \(host):\(port)\r\nConnection: close\r\n"
        for (name, value) in request.headers { head += "\(name): \(value)\r\n" }
        head += "Content-Length: \(request.body.count)\r\n\r\n"
        return Array(head.utf8) + request.body
    }
}

/// One socket and its abort flag. `abort` may come from any thread; only the reader thread closes the fd,
/// under the lock, so an abort never shuts down a reused descriptor.
final class SocketHandle: Sendable {
    private struct State {
        var fd: Int32 = -1
        var aborted = false
    }
    private let state = Mutex(State())

    func abort() {
        state.withLock { state in
            state.aborted = true
            if state.fd >= 0 { _ = Glibc.shutdown(state.fd, Int32(SHUT_RDWR)) }
        }
    }

    private var isAborted: Bool { state.withLock { $0.aborted } }

    /// Connects, sends, reads the head (reported through `head`), then streams the body into `body`.
    func run(
        host: String, port: UInt16, timeout: Duration, message: [UInt8],
        head: @Sendable (Result<(Int, [(name: String, value: String)]), any Error>) -> Void,
        body: AsyncThrowingStream<[UInt8], any Error>.Continuation
    ) {
        let fd = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer {
            state.withLock { state in
                if state.fd >= 0 { _ = Glibc.close(state.fd) }
                state.fd = -1
            }
        }
        var headDelivered = false
        do {
            guard fd >= 0 else { throw SocketClientError.system(call: "socket", errno: errno) }
            let abortedEarly = state.withLock { state in
                state.fd = fd
                return state.aborted
            }
            if abortedEarly { throw SocketClientError.aborted }
            try connect(fd, host: host, port: port, timeout: timeout)
            try sendAll(fd, message)
            var buffer: [UInt8] = []
            var headEnd: Int?
            while headEnd == nil {
                guard let chunk = try receive(fd) else { throw SocketClientError.prematureEOF }
                buffer += chunk
                headEnd = Self.find([13, 10, 13, 10], in: buffer)
                if headEnd == nil && buffer.count > 64 << 10 { throw SocketClientError.malformedResponse }
            }
            let (status, headers) = try Self.parseHead(buffer[..<headEnd!])
            let contentLength = headers.first { $0.name.lowercased() == "content-length" }.flatMap { Int($0.value) }
            if headers.contains(where: { $0.name.lowercased() == "transfer-encoding" }) {
                throw SocketClientError.malformedResponse  // chunked bodies are not needed by the fake miner
            }
            headDelivered = true
            head(.success((status, headers)))
            var remaining = contentLength ?? Int.max
            let leftover = Array(buffer[(headEnd! + 4)...].prefix(remaining))
            if !leftover.isEmpty { body.yield(leftover) }
            remaining -= leftover.count
            while remaining > 0, let chunk = try receive(fd) {
                let part = Array(chunk.prefix(remaining))
                remaining -= part.count
                body.yield(part)
            }
            if remaining > 0 && contentLength != nil { throw SocketClientError.prematureEOF }
            body.finish()
        } catch {
            let reported = isAborted ? SocketClientError.aborted : error
            if headDelivered { body.finish(throwing: reported) } else { head(.failure(reported)) }
        }
    }

    private func connect(_ fd: Int32, host: String, port: UInt16, timeout: Duration) throws {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        guard unsafe inet_pton(AF_INET, host, &address.sin_addr) == 1 else {
            throw SocketClientError.system(call: "inet_pton", errno: errno)
        }
        let (seconds, attoseconds) = timeout.components
        var limit = timeval(tv_sec: Int(seconds), tv_usec: Int(attoseconds / 1_000_000_000_000))
        // Safe: `limit` outlives the call and its size is passed along.
        _ = unsafe setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        // Safe: `sockaddr_in` is layout-compatible with `sockaddr` for AF_INET and lives through the call.
        let result = unsafe withUnsafePointer(to: &address) { pointer in
            unsafe pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                unsafe Glibc.connect(fd, address, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else { throw SocketClientError.system(call: "connect", errno: errno) }
        if isAborted { throw SocketClientError.aborted }
    }

    private func sendAll(_ fd: Int32, _ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            // Safe: the buffer pointer is used only during the call, with its own count.
            let sent = unsafe bytes[offset...].withUnsafeBytes { raw in
                unsafe Glibc.send(fd, raw.baseAddress, raw.count, Int32(MSG_NOSIGNAL))
            }
            guard sent > 0 else { throw SocketClientError.system(call: "send", errno: errno) }
            offset += sent
        }
    }

    /// The next bytes, or nil at end of stream.
    private func receive(_ fd: Int32) throws -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: 16 << 10)
        // Safe: recv writes at most `raw.count` bytes into the array's own storage.
        let count = unsafe buffer.withUnsafeMutableBytes { raw in unsafe Glibc.recv(fd, raw.baseAddress, raw.count, 0) }
        if count < 0 { throw SocketClientError.system(call: "recv", errno: errno) }
        if count == 0 && isAborted { throw SocketClientError.aborted }
        if count == 0 { return nil }
        return Array(buffer.prefix(count))
    }

    static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        return (0...(haystack.count - needle.count)).first { haystack[$0..<($0 + needle.count)].elementsEqual(needle) }
    }

    static func parseHead(_ bytes: ArraySlice<UInt8>) throws -> (Int, [(name: String, value: String)]) {
        let lines = String(decoding: bytes, as: UTF8.self).components(separatedBy: "\r\n")
        let statusParts = lines[0].split(separator: " ")
        guard statusParts.count >= 2, statusParts[0].hasPrefix("HTTP/1."), let status = Int(statusParts[1]) else {
            throw SocketClientError.malformedResponse
        }
        var headers: [(name: String, value: String)] = []
        for line in lines.dropFirst() where !line.isEmpty {
            guard let colon = line.firstIndex(of: ":") else { throw SocketClientError.malformedResponse }
            headers.append(
                (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
        }
        return (status, headers)
    }
}
