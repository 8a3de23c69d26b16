/// Listener settings and limits for `HTTPServer`.
public struct HTTPServerConfiguration: Sendable {
    /// IPv4 or IPv6 literal to bind, e.g. "127.0.0.1", "0.0.0.0", "::1".
    public var host: String
    /// TCP port; 0 picks an ephemeral port (read `HTTPServer.port` after `start()`).
    public var port: Int
    /// libmicrohttpd worker threads; 0 or 1 means the single internal polling thread.
    public var workerThreads: Int
    /// Most concurrent connections served; past it a connection waiting on its client is shed for a new one.
    public var connectionLimit: Int
    /// Connections admitted beyond `connectionLimit` when none can be shed, for `reservedPaths` only (others get 503).
    public var reservedConnections: Int
    /// Paths a reserved connection may ask for (health probes), answered even when every normal slot is busy.
    public var reservedPaths: Set<String>
    /// Most concurrent connections from one IP address; 0 means unlimited.
    public var perIPConnectionLimit: Int
    /// Longest wait for the head of a connection's first request, from accept (a slow or silent client is closed).
    public var headTimeout: Duration
    /// Longest wait for a request's whole body, from its head.
    public var bodyTimeout: Duration
    /// Longest pause between requests on a kept-alive connection, and the inactivity after which any connection not
    /// being handled is closed (rounded up to seconds; zero disables both).
    public var idleTimeout: Duration
    /// Largest accepted request body; larger ones get 413.
    public var maxBodyBytes: Int
    /// Bytes of request bodies held at once across all connections, from the head until the request completes;
    /// a request that would pass it gets 503.
    public var maxBufferedBodyBytes: Int
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
        reservedConnections: Int = 8, reservedPaths: Set<String> = [], perIPConnectionLimit: Int = 0,
        headTimeout: Duration = .seconds(10), bodyTimeout: Duration = .seconds(30),
        idleTimeout: Duration = .seconds(60),
        maxBodyBytes: Int = 1 << 20, maxBufferedBodyBytes: Int = 64 << 20,
        maxHeaderBytes: Int = 16 * 1024, requestDeadline: Duration = .seconds(930),
        streamBufferBytes: Int = 64 * 1024, tlsCertificatePath: String? = nil, tlsKeyPath: String? = nil
    ) {
        self.host = host
        self.port = port
        self.workerThreads = workerThreads
        self.connectionLimit = connectionLimit
        self.reservedConnections = reservedConnections
        self.reservedPaths = reservedPaths
        self.perIPConnectionLimit = perIPConnectionLimit
        self.headTimeout = headTimeout
        self.bodyTimeout = bodyTimeout
        self.idleTimeout = idleTimeout
        self.maxBodyBytes = maxBodyBytes
        self.maxBufferedBodyBytes = maxBufferedBodyBytes
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
        try check((0...1024).contains(reservedConnections), "reservedConnections", "must be 0...1024")
        try check((0...1_000_000).contains(perIPConnectionLimit), "perIPConnectionLimit", "must be 0...1000000")
        try check(headTimeout > .zero && headTimeout <= .seconds(86_400), "headTimeout", "must be 0...86400 s")
        try check(bodyTimeout > .zero && bodyTimeout <= .seconds(86_400), "bodyTimeout", "must be 0...86400 s")
        try check(idleTimeout >= .zero && idleTimeout <= .seconds(86_400), "idleTimeout", "must be 0...86400 s")
        try check(maxBodyBytes >= 0, "maxBodyBytes", "must not be negative")
        try check(maxBufferedBodyBytes >= maxBodyBytes, "maxBufferedBodyBytes", "must be at least maxBodyBytes")
        try check((4096...(16 << 20)).contains(maxHeaderBytes), "maxHeaderBytes", "must be 4096...16777216")
        try check(requestDeadline > .zero, "requestDeadline", "must be positive")
        try check(streamBufferBytes >= 1, "streamBufferBytes", "must be at least 1")
        try check(
            (tlsCertificatePath == nil) == (tlsKeyPath == nil), "tlsCertificatePath",
            "tlsCertificatePath and tlsKeyPath must be set together")
    }

    /// The deadlines and limit the connection table enforces.
    var connectionLimits: ConnectionTable.Limits {
        ConnectionTable.Limits(
            headTimeout: headTimeout, bodyTimeout: bodyTimeout, idleTimeout: idleTimeout,
            connectionLimit: connectionLimit)
    }

    /// `idleTimeout` in whole seconds, rounded up.
    var idleTimeoutSeconds: UInt32 {
        let (seconds, attoseconds) = idleTimeout.components
        return UInt32(clamping: seconds + (attoseconds > 0 ? 1 : 0))
    }
}
