import HTTPServer

/// One HTTP request to a miner, as the pool hands it to its transport.
public struct MinerHTTPRequest: Sendable {
    /// `GET` or `POST`.
    public var method: String
    /// Absolute URL, e.g. `http://127.0.0.1:8080/v1/chat/completions`.
    public var url: String
    /// Request headers (the key of `Authorization` must never be logged).
    public var headers: [(name: String, value: String)]
    /// Request body bytes (empty for `GET`).
    public var body: [UInt8]
    /// Longest time to establish the connection.
    public var connectTimeout: Duration
    /// Who asked: the API key's identity (`UpstreamRequest.caller`), by which the local model shares its queue.
    /// Never sent to a remote miner.
    public var caller: String?

    /// Creates a request.
    public init(
        method: String, url: String, headers: [(name: String, value: String)], body: [UInt8],
        connectTimeout: Duration, caller: String? = nil
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.connectTimeout = connectTimeout
        self.caller = caller
    }
}

/// A miner's response once its head arrived: status, headers and the body as byte chunks.
public struct MinerHTTPStream: Sendable {
    /// HTTP status code.
    public var status: Int
    /// Response headers.
    public var headers: [(name: String, value: String)]
    /// Body chunks as they arrive; iteration stops at the end of the body or throws on a transport error.
    public var body: AsyncThrowingStream<[UInt8], any Error>

    /// Creates a response.
    public init(status: Int, headers: [(name: String, value: String)], body: AsyncThrowingStream<[UInt8], any Error>) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The first header named `name`, compared case-insensitively (ASCII).
    public func header(_ name: String) -> String? {
        headers.first { HTTPHeaders.namesEqual($0.name, name) }?.value
    }
}

/// How the pool talks HTTP to miners. The production adapter wraps the `HTTPClient` module; tests use a
/// small socket client.
///
/// Contract: `open` returns once the response head arrived and throws if the connection fails or times out
/// (`connectTimeout`). Cancelling the calling task, or cancelling/dropping the consumer of `body`, must abort
/// the underlying connection promptly — the pool relies on that for first-token timeouts, deadlines and
/// clients that hang up.
public protocol MinerTransport: Sendable {
    /// Sends the request and returns the response head with a streaming body.
    func open(_ request: MinerHTTPRequest) async throws -> MinerHTTPStream

    /// Where the task reading a reply should run (e.g. the thread that receives the bytes); nil: anywhere.
    var preferredExecutor: (any TaskExecutor)? { get }
}

extension MinerTransport {
    /// No preference.
    public var preferredExecutor: (any TaskExecutor)? { nil }
}
