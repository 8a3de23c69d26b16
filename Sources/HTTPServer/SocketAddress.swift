import Glibc

/// The address a server binds: an IPv4 or IPv6 literal plus a port, as a C `sockaddr`.
enum ListenAddress {
    /// IPv4 (`sockaddr_in`).
    case v4(sockaddr_in)
    /// IPv6 (`sockaddr_in6`).
    case v6(sockaddr_in6)

    /// Parses `host` ("127.0.0.1", "0.0.0.0", "::1", "::", or "localhost" for 127.0.0.1).
    init(host: String, port: Int) throws(HTTPServerError) {
        let literal = host == "localhost" ? "127.0.0.1" : host
        let networkPort = UInt16(truncatingIfNeeded: port).bigEndian
        var v4 = sockaddr_in()
        // Sound: inet_pton writes at most sizeof(in_addr) bytes into the field it is given.
        if unsafe inet_pton(AF_INET, literal, &v4.sin_addr) == 1 {
            v4.sin_family = sa_family_t(AF_INET)
            v4.sin_port = networkPort
            self = .v4(v4)
            return
        }
        var v6 = sockaddr_in6()
        // Sound: as above, for in6_addr.
        if unsafe inet_pton(AF_INET6, literal, &v6.sin6_addr) == 1 {
            v6.sin6_family = sa_family_t(AF_INET6)
            v6.sin6_port = networkPort
            self = .v6(v6)
            return
        }
        throw .invalidHost(host)
    }

    /// Whether the daemon needs the IPv6 flag.
    var isIPv6: Bool {
        if case .v6 = self { true } else { false }
    }

    /// Calls `body` with a pointer to the `sockaddr` (valid only inside `body`).
    func withSockaddr<R>(_ body: (UnsafeRawPointer) -> R) -> R {
        switch self {
        case .v4(var address):
            // Sound: the pointer does not escape `body`.
            return unsafe withUnsafePointer(to: &address) { unsafe body(UnsafeRawPointer($0)) }
        case .v6(var address):
            // Sound: the pointer does not escape `body`.
            return unsafe withUnsafePointer(to: &address) { unsafe body(UnsafeRawPointer($0)) }
        }
    }
}

/// Text forms of socket addresses.
enum SocketText {
    /// "127.0.0.1" / "::1" for an AF_INET / AF_INET6 `sockaddr`, "" otherwise.
    static func ipAddress(_ address: UnsafePointer<sockaddr>) -> String {
        // Sound: the family field says which struct `address` points to; inet_ntop is told the buffer size.
        // `sa_family` is the first member of every Linux `sockaddr`; it is read as such because the member's
        // owning clang module differs with the import graph (CMicroHTTPD and CCurl both pull in sys/socket.h).
        switch Int32(unsafe UnsafeRawPointer(address).load(as: sa_family_t.self)) {
        case AF_INET:
            let raw = unsafe address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { v4 in
                unsafe v4.pointee.sin_addr.s_addr
            }
            return dottedQuad(UInt32(bigEndian: raw))
        case AF_INET6:
            var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
            let result = unsafe address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { v6 in
                var raw = unsafe v6.pointee.sin6_addr
                return unsafe inet_ntop(AF_INET6, &raw, &text, socklen_t(text.count))
            }
            guard unsafe result != nil else { return "" }
            return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        default:
            return ""
        }
    }

    /// "a.b.c.d" for an IPv4 address in host order (what inet_ntop writes; ~3k instructions fewer per request
    /// than its buffer and the C-string copy).
    static func dottedQuad(_ address: UInt32) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(15)
        for shift in stride(from: 24, through: 0, by: -8) {
            let octet = UInt8(truncatingIfNeeded: address >> UInt32(shift))
            if shift != 24 { bytes.append(UInt8(ascii: ".")) }
            if octet >= 100 { bytes.append(UInt8(ascii: "0") + octet / 100) }
            if octet >= 10 { bytes.append(UInt8(ascii: "0") + octet / 10 % 10) }
            bytes.append(UInt8(ascii: "0") + octet % 10)
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
