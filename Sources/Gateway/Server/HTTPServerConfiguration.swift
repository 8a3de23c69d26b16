/// Listener settings and limits for `HTTPServer`.
public struct HTTPServerConfiguration: Sendable {
    /// IPv4 or IPv6 literal to bind, e.g. "127.0.0.1", "0.0.0.0", "::1".
    public var host: String
    /// TCP port; 0 picks an ephemeral port (read `HTTPServer.port` after `start()`).
    public var port: Int
    /// libmicrohttpd worker threads; 0 or 1 means the single internal polling thread.
    public var workerThreads: Int
    /// Most concurrent connections accepted.
    public var connectionLimit: Int
    /// Most concurrent connections from one IP address; 0 means unlimited.
    public var perIPConnectionLimit: Int
    /// Inactivity after which a connection is closed (rounded up to seconds; zero disables).
    public var idleTimeout: Duration
    /// Largest accepted request body; larger ones get 413.
    public var maxBodyBytes: Int
    /// Per-connection memory for the request line and headers; larger ones get 431 (or 414) from libmicrohttpd.
    public var maxHeaderBytes: Int
    /// Longest time from a fully received request to its completed response; past it: 504 or an aborted stream.
    public var requestDeadline: Duration
    /// Bytes a streaming response may buffer before `ResponseBodyWriter.write` waits.
    public var streamBufferBytes: Int
    /// PEM certificate file; with `tlsKeyPath` enables HTTPS.
    public var tlsCertificatePath: String?
    /// PEM private key file; with `tlsCertificatePath` enables HTTPS.
    public var tlsKeyPath: String?

    /// Settings with the documented defaults.
    public init(
        host: String = "127.0.0.1", port: Int = 5010, workerThreads: Int = 0, connectionLimit: Int = 1024,
        perIPConnectionLimit: Int = 0, idleTimeout: Duration = .seconds(60), maxBodyBytes: Int = 1 << 20,
        maxHeaderBytes: Int = 16 * 1024, requestDeadline: Duration = .seconds(930),
        streamBufferBytes: Int = 64 * 1024, tlsCertificatePath: String? = nil, tlsKeyPath: String? = nil
    ) {
        self.host = host
        self.port = port
        self.workerThreads = workerThreads
        self.connectionLimit = connectionLimit
        self.perIPConnectionLimit = perIPConnectionLimit
        self.idleTimeout = idleTimeout
        self.maxBodyBytes = maxBodyBytes
        self.maxHeaderBytes = maxHeaderBytes
        self.requestDeadline = requestDeadline
        self.streamBufferBytes = streamBufferBytes
        self.tlsCertificatePath = tlsCertificatePath
        self.tlsKeyPath = tlsKeyPath
    }

    /// Checks ranges; the first problem found is thrown.
    func validate() throws(HTTPServerError) {
        func check(_ ok: Bool, _ field: String, _ reason: String) throws(HTTPServerError) {
            if !ok { throw .invalidConfiguration(field: field, reason: reason) }
        }
        try check((0...65535).contains(port), "port", "must be 0...65535")
        try check((0...1024).contains(workerThreads), "workerThreads", "must be 0...1024")
        try check((1...1_000_000).contains(connectionLimit), "connectionLimit", "must be 1...1000000")
        try check((0...1_000_000).contains(perIPConnectionLimit), "perIPConnectionLimit", "must be 0...1000000")
        try check(idleTimeout >= .zero && idleTimeout <= .seconds(86_400), "idleTimeout", "must be 0...86400 s")
        try check(maxBodyBytes >= 0, "maxBodyBytes", "must not be negative")
        try check((4096...(16 << 20)).contains(maxHeaderBytes), "maxHeaderBytes", "must be 4096...16777216")
        try check(requestDeadline > .zero, "requestDeadline", "must be positive")
        try check(streamBufferBytes >= 1, "streamBufferBytes", "must be at least 1")
        try check(
            (tlsCertificatePath == nil) == (tlsKeyPath == nil), "tlsCertificatePath",
            "tlsCertificatePath and tlsKeyPath must be set together")
    }

    /// `idleTimeout` in whole seconds, rounded up.
    var idleTimeoutSeconds: UInt32 {
        let (seconds, attoseconds) = idleTimeout.components
        return UInt32(clamping: seconds + (attoseconds > 0 ? 1 : 0))
    }
}
