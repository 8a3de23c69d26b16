/// An HTTP request for `HTTPClient`: method, absolute http(s) URL, headers, body and limits.
public struct HTTPClientRequest: Sendable {
    /// The request method, e.g. "GET" or "POST".
    public var method: String
    /// The absolute `http://` or `https://` URL.
    public var url: String
    /// Header fields sent in order; names are not validated beyond rejecting CR, LF and ':'.
    public var headers: [(name: String, value: String)]
    /// The request body, sent with a Content-Length (empty means no body unless the method is POST).
    public var body: [UInt8]
    /// Connect, total and idle limits for this request.
    public var timeouts: HTTPTimeouts
    /// Whether the TLS peer certificate and host name are verified (leave on outside tests).
    public var verifyTLS: Bool = true

    /// Creates a request; `method` defaults to GET and `body` to empty.
    public init(
        method: String = "GET",
        url: String,
        headers: [(name: String, value: String)] = [],
        body: [UInt8] = [],
        timeouts: HTTPTimeouts = HTTPTimeouts(),
        verifyTLS: Bool = true
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeouts = timeouts
        self.verifyTLS = verifyTLS
    }
}

/// Time limits for one request; `nil` means no limit.
public struct HTTPTimeouts: Sendable, Equatable {
    /// Longest time to resolve the host and establish the connection (TCP and TLS).
    public var connect: Duration = .seconds(10)
    /// Longest time for the whole transfer, from start to the last body byte.
    public var total: Duration?
    /// Longest gap between received bytes, counted from the start (so it also bounds the wait for the head and
    /// for a pooled connection) and not while a slow consumer has paused the body.
    public var idle: Duration?

    /// Creates limits; by default only the connect phase is bounded.
    public init(connect: Duration = .seconds(10), total: Duration? = nil, idle: Duration? = nil) {
        self.connect = connect
        self.total = total
        self.idle = idle
    }
}

/// The status line and header fields of a response.
public struct HTTPResponseHead: Sendable {
    /// The status code, e.g. 200.
    public var status: Int
    /// Header fields in the order received (the final header block only, never 1xx blocks).
    public var headers: [(name: String, value: String)]

    /// Creates a head from a status code and header fields.
    public init(status: Int, headers: [(name: String, value: String)] = []) {
        self.status = status
        self.headers = headers
    }

    /// The first value of the header named `name`, compared case-insensitively.
    public func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        return headers.first { $0.name.lowercased() == wanted }?.value
    }
}
