@unsafe import Glibc

/// Tells systemd about the service's state (`Type=notify`): the sd_notify datagram protocol, without libsystemd.
///
/// systemd passes the socket in `NOTIFY_SOCKET`: a filesystem path, or an abstract address written with a
/// leading `@`. Messages are newline-separated `KEY=value` assignments such as `READY=1`.
public struct SystemdNotifier: Sendable {
    /// The socket address as systemd gave it.
    public let socketPath: String

    /// A notifier for the `NOTIFY_SOCKET` value; nil when it is unset, empty, or not a usable address.
    public init?(socketPath: String?) {
        guard let socketPath, socketPath.hasPrefix("/") || socketPath.hasPrefix("@"),
            socketPath.utf8.count < Self.maximumPathBytes
        else { return nil }
        self.socketPath = socketPath
    }

    /// Sends `state` (e.g. `READY=1`); returns whether the datagram went out. Failures are not fatal to a service.
    @discardableResult
    public func notify(_ state: String) -> Bool {
        let descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var pathBytes = Array(socketPath.utf8)
        let isAbstract = pathBytes.first == UInt8(ascii: "@")
        if isAbstract { pathBytes[0] = 0 }
        // A filesystem path is NUL-terminated (sockaddr_un() is zeroed); an abstract one is counted exactly.
        let pathLength = pathBytes.count + (isAbstract ? 0 : 1)
        // Sound: pathBytes.count < maximumPathBytes (checked in init), so the copy stays inside sun_path.
        unsafe withUnsafeMutableBytes(of: &address.sun_path) { path in
            unsafe path.copyBytes(from: pathBytes)
        }
        let length = socklen_t(Self.pathOffset + pathLength)
        let message = Array(state.utf8)
        let sent = unsafe withUnsafePointer(to: &address) { pointer in
            unsafe pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                unsafe sendto(descriptor, message, message.count, Int32(MSG_NOSIGNAL), socketAddress, length)
            }
        }
        return sent == message.count
    }

    /// Bytes available for the address in `sockaddr_un.sun_path`, the terminating NUL included.
    private static let maximumPathBytes = MemoryLayout.size(ofValue: sockaddr_un().sun_path)
    /// Offset of `sun_path` in `sockaddr_un`.
    private static let pathOffset = MemoryLayout<sockaddr_un>.offset(of: \.sun_path) ?? 2
}
