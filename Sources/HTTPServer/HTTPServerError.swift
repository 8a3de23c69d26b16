/// Why the HTTP server could not start.
public enum HTTPServerError: Error, Sendable, Equatable {
    /// A configuration value is out of range; names the field and the rule.
    case invalidConfiguration(field: String, reason: String)
    /// `host` is not an IPv4 or IPv6 address literal.
    case invalidHost(String)
    /// A TLS certificate or key file could not be read (errno from open/read).
    case unreadableTLSFile(path: String, errno: Int32)
    /// libmicrohttpd refused to start (address in use, bad TLS material, …); errno as left by the attempt.
    case startFailed(host: String, port: Int, errno: Int32)
    /// `start()` was already called on this server.
    case alreadyStarted
}

/// Why a streaming write did not go out.
public enum ResponseStreamError: Error, Sendable, Equatable {
    /// The client went away or the response was aborted (deadline, shutdown); nothing more can be sent.
    case clientGone
    /// The producing task was cancelled while waiting for buffer space.
    case cancelled
}
