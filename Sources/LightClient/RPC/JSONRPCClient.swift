public import HTTPClient
public import JSON
import Synchronization

/// A JSON-RPC 2.0 client over several endpoints of one chain: round robin across healthy endpoints, failover on
/// transport errors, HTTP 5xx/429 and invalid replies, retries with jittered exponential backoff on transport errors
/// only (a JSON-RPC error object is an answer), and a cool-down for endpoints that keep failing. Replies are
/// bounded in size. Safe to share between tasks.
public final class JSONRPCClient: Sendable {
    /// Limits and policies of one client.
    public struct Configuration: Sendable {
        /// Longest time for one HTTP exchange, connect to last byte.
        public var timeout: Duration
        /// Largest reply body accepted, in bytes; a larger one is an invalid response.
        public var maxResponseBytes: Int
        /// Most HTTP exchanges one request (or batch) makes across all endpoints.
        public var maxAttempts: Int
        /// Delays before retrying an endpoint already tried in the same request.
        public var backoff: RetryBackoff
        /// Consecutive failures that demote an endpoint.
        public var demoteAfter: Int
        /// How long a demoted endpoint is skipped while others are healthy.
        public var coolDown: Duration
        /// Seed of the jitter generator; `nil` seeds from the system CSPRNG.
        public var jitterSeed: UInt64?

        /// Creates settings; the defaults suit public RPC providers.
        public init(
            timeout: Duration = .seconds(10), maxResponseBytes: Int = 16 << 20, maxAttempts: Int = 4,
            backoff: RetryBackoff = RetryBackoff(), demoteAfter: Int = 3, coolDown: Duration = .seconds(30),
            jitterSeed: UInt64? = nil
        ) {
            self.timeout = timeout
            self.maxResponseBytes = maxResponseBytes
            self.maxAttempts = maxAttempts
            self.backoff = backoff
            self.demoteAfter = demoteAfter
            self.coolDown = coolDown
            self.jitterSeed = jitterSeed
        }
    }

    /// Mutable state behind one lock: endpoint health, the next request id, the jitter generator.
    struct State: Sendable {
        var pool: RPCEndpointPool
        var nextID: Int64 = 1
        var jitter: UInt64
    }

    /// The endpoints, in configuration order.
    public let endpoints: [RPCEndpoint]
    /// The settings this client was made with.
    public let configuration: Configuration
    let http: HTTPClient
    let state: Mutex<State>

    /// Creates a client over `endpoints` (at least one), sending through `http`.
    public init(endpoints: [RPCEndpoint], http: HTTPClient, configuration: Configuration = Configuration()) {
        precondition(!endpoints.isEmpty, "a JSON-RPC client needs at least one endpoint")
        self.endpoints = endpoints
        self.http = http
        self.configuration = configuration
        let seed = configuration.jitterSeed ?? SystemRandom.bytes(8).reduce(0) { $0 << 8 | UInt64($1) }
        let pool = RPCEndpointPool(
            count: endpoints.count, demoteAfter: configuration.demoteAfter, coolDown: configuration.coolDown)
        state = Mutex(State(pool: pool, jitter: seed))
    }

    /// Names of the endpoints serving normally now (not in a cool-down).
    public var healthyEndpoints: [String] {
        let now = ContinuousClock.now
        return state.withLock { state in
            endpoints.indices.filter { state.pool.isHealthy($0, at: now) }.map { endpoints[$0].name }
        }
    }

    /// Calls `method` with `params`; its raw result.
    public func request(_ method: String, _ params: [JSONValue] = []) async throws(JSONRPCError) -> JSONValue {
        try await request(method, params) { (value) throws(RPCValueError) in value }
    }

    /// Calls `method` with `params` and decodes the result with `decode`; a result `decode` rejects counts as an
    /// invalid response of that endpoint, and the next endpoint is asked.
    public func request<Value>(
        _ method: String, _ params: [JSONValue] = [],
        decode: (JSONValue) throws(RPCValueError) -> Value
    ) async throws(JSONRPCError) -> Value {
        let id = takeIDs(1)
        let body = JSONRPCCall(method, params).requestObject(id: id).serializedBytes
        return try await exchange(body, only: nil) { (reply, endpoint) throws(JSONRPCError) in
            try Self.decoded(JSONRPCEnvelope.answer(reply, id: id, endpoint: endpoint), method, endpoint, decode)
        }
    }

    /// Sends `calls` as one batch (one HTTP POST); outcomes in the order of `calls`, each a result or that item's
    /// JSON-RPC error. A reply missing or repeating an id is an invalid response of that endpoint.
    public func batch(_ calls: [JSONRPCCall]) async throws(JSONRPCError) -> [Result<JSONValue, JSONRPCError>] {
        guard !calls.isEmpty else { return [] }
        let first = takeIDs(calls.count)
        let ids = (0..<Int64(calls.count)).map { first + $0 }
        let body = JSONValue.array(zip(calls, ids).map { $0.requestObject(id: $1) }).serializedBytes
        return try await exchange(body, only: nil) { (reply, endpoint) throws(JSONRPCError) in
            try JSONRPCEnvelope.answers(reply, ids: ids, endpoint: endpoint)
        }
    }

    /// Calls `method` on the endpoint at `index` alone: one attempt, no failover (for start-up checks).
    func request<Value>(
        _ method: String, _ params: [JSONValue], onEndpoint index: Int,
        decode: (JSONValue) throws(RPCValueError) -> Value
    ) async throws(JSONRPCError) -> Value {
        let id = takeIDs(1)
        let body = JSONRPCCall(method, params).requestObject(id: id).serializedBytes
        return try await exchange(body, only: index) { (reply, endpoint) throws(JSONRPCError) in
            try Self.decoded(JSONRPCEnvelope.answer(reply, id: id, endpoint: endpoint), method, endpoint, decode)
        }
    }

    /// `result` through `decode`; a rejection becomes an invalid response of `endpoint`.
    private static func decoded<Value>(
        _ result: JSONValue, _ method: String, _ endpoint: String, _ decode: (JSONValue) throws(RPCValueError) -> Value
    ) throws(JSONRPCError) -> Value {
        do throws(RPCValueError) {
            return try decode(result)
        } catch {
            throw .invalidResponse(endpoint: endpoint, reason: "\(method): \(error.reason)")
        }
    }

    /// `count` consecutive fresh request ids; the first.
    private func takeIDs(_ count: Int) -> Int64 {
        state.withLock { state in
            defer { state.nextID += Int64(count) }
            return state.nextID
        }
    }
}

extension JSONValue {
    /// The compact UTF-8 serialization.
    fileprivate var serializedBytes: [UInt8] {
        var bytes: [UInt8] = []
        serialize(into: &bytes)
        return bytes
    }
}
