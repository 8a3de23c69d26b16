import Synchronization

/// An HTTP/1.1 client over libcurl's multi interface: one event thread, connection reuse, streaming bodies
/// with backpressure, typed errors. Safe to share between tasks.
public final class HTTPClient: Sendable {
    /// Settings shared by every request of one client.
    public struct Configuration: Sendable {
        /// Most simultaneous connections to one host; further requests queue inside libcurl.
        public var maxConnectionsPerHost: Int
        /// Most idle connections kept open for reuse.
        public var maxCachedConnections: Int
        /// Body bytes buffered per streaming response before the transfer pauses.
        public var streamBufferBytes: Int
        /// The User-Agent header sent unless a request sets its own; `nil` sends none.
        public var userAgent: String?
        /// Whether the http_proxy / https_proxy / no_proxy environment variables apply.
        public var usesEnvironmentProxy: Bool

        /// Creates settings; the defaults suit a router talking to a handful of upstream hosts.
        public init(
            maxConnectionsPerHost: Int = 256,
            maxCachedConnections: Int = 64,
            streamBufferBytes: Int = 256 << 10,
            userAgent: String? = "cortensor-edge",
            usesEnvironmentProxy: Bool = false
        ) {
            self.maxConnectionsPerHost = maxConnectionsPerHost
            self.maxCachedConnections = maxCachedConnections
            self.streamBufferBytes = streamBufferBytes
            self.userAgent = userAgent
            self.usesEnvironmentProxy = usesEnvironmentProxy
        }
    }

    /// The event loop, started by the first request: until then libcurl (and through it libssh2 and OpenSSL) is
    /// not initialised, which keeps ~2 MB of library pages out of a process that never calls out.
    private enum LoopState {
        case idle
        case running(CurlEventLoop)
        case shutDown
    }

    private let configuration: Configuration
    private let loop = Mutex(LoopState.idle)

    /// Creates a client; its event thread starts with the first request (whose setup failure it then reports).
    public init(configuration: Configuration = Configuration()) throws(HTTPClientError) {
        self.configuration = configuration
    }

    deinit {
        shutdown()
    }

    /// Sends `request` and collects the whole body; throws `.bodyTooLarge` beyond `maxBodyBytes`.
    public func execute(
        _ request: HTTPClientRequest,
        maxBodyBytes: Int = 16 << 20
    ) async throws(HTTPClientError) -> (head: HTTPResponseHead, body: [UInt8]) {
        let response = try await stream(request)
        // A HEAD response announces the length of a body it does not carry.
        if request.method != "HEAD", let declared = response.head.header("Content-Length").flatMap({ Int($0) }),
            declared > maxBodyBytes
        {
            response.body.cancel()
            throw .bodyTooLarge(limit: maxBodyBytes)
        }
        var body: [UInt8] = []
        var iterator = response.body.makeAsyncIterator()
        while let chunk = try await iterator.next() {
            guard body.count + chunk.count <= maxBodyBytes else {
                response.body.cancel()
                throw .bodyTooLarge(limit: maxBodyBytes)
            }
            body += chunk
        }
        return (head: response.head, body: body)
    }

    /// Sends `request` and returns once the response head has arrived; the body follows as a stream.
    public func stream(_ request: HTTPClientRequest) async throws(HTTPClientError) -> HTTPStreamingResponse {
        let transfer = Transfer(request: request, bufferLimit: configuration.streamBufferBytes, loop: try startedLoop())
        // The body owner exists before the transfer starts, so a throw below also aborts the transfer.
        let body = HTTPBodyStream(transfer: transfer)
        let head = try await transfer.responseHead().get()
        return HTTPStreamingResponse(head: head, body: body)
    }

    /// The event thread as a task executor, once the first request started it (nil before and after shutdown).
    ///
    /// A task that prefers it (`Task(executorPreference:)`) runs its nonisolated code and default actors on the
    /// event thread between libcurl's turns: its requests start, and their callbacks resume it, with no hop to
    /// another thread. Its jobs must be short (no blocking call, no long computation): every transfer of this
    /// client waits while one runs.
    public var eventLoopExecutor: (any TaskExecutor)? {
        loop.withLock { state in
            if case .running(let loop) = state { return loop }
            return nil
        }
    }

    /// Called from a job on the event thread (see `eventLoopExecutor`): runs `body` on that thread once every job
    /// queued so far has run, before libcurl's next turn, and returns true. Elsewhere returns false and does
    /// nothing. Work that many requests share, e.g. one database commit for all of them, batches up there.
    public func atEndOfTurn(_ body: @escaping @Sendable () -> Void) -> Bool {
        guard case .running(let loop) = loop.withLock({ $0 }) else { return false }
        return loop.atEndOfTurn(body)
    }

    /// Aborts every transfer (their awaiters throw `.shutdown`) and joins the event thread. Idempotent.
    public func shutdown() {
        let running = loop.withLock { state -> CurlEventLoop? in
            defer { state = .shutDown }
            if case .running(let loop) = state { return loop }
            return nil
        }
        running?.shutdown()
    }

    /// The running event loop, started now if this is the first request.
    private func startedLoop() throws(HTTPClientError) -> CurlEventLoop {
        try loop.withLock { (state) throws(HTTPClientError) -> CurlEventLoop in
            switch state {
            case .running(let loop):
                return loop
            case .shutDown:
                throw .shutdown
            case .idle:
                let started = try CurlEventLoop(configuration: configuration)
                state = .running(started)
                return started
            }
        }
    }
}
