public import HTTPServer
public import Log
import System

/// The router's request handler: authentication, rate limits, routing, metrics and the access log in front of
/// the Cortensor, OpenAI and admin routes.
public final class EdgeGateway: Sendable {
    /// A route's handler: the request and its captured path parameters.
    public typealias Handler = @Sendable (Request, [String: String]) async throws(APIError) -> Response
    /// A route's inline handler: answers on the server's thread from what is at hand (a local read, a counter),
    /// or returns nil to leave the request to the route's `Handler`. It must not wait (no network, no long lock).
    public typealias InlineHandler = @Sendable (Request, [String: String]) throws(APIError) -> Response?

    /// One entry of the route table.
    public struct Route: Sendable {
        /// The pattern, used as the metrics label.
        public let pattern: String
        /// Which API's error shape applies.
        public let flavor: APIFlavor
        /// Whether an API key is required.
        public let requiresKey: Bool
        /// The handler.
        public let handler: Handler
        /// Answers what it can without suspending the connection, if the route has one.
        public let inlineHandler: InlineHandler?
        /// Whether the handler mostly waits on miners: it then runs on the upstream client's event thread (see
        /// `EdgeGateway.preferredExecutor(for:)`), so its waits end without a hop between threads. Its own work
        /// must be short.
        public let waitsOnMiners: Bool

        /// Creates a route.
        public init(
            pattern: String, flavor: APIFlavor, requiresKey: Bool = true, inline inlineHandler: InlineHandler? = nil,
            waitsOnMiners: Bool = false, handler: @escaping Handler
        ) {
            self.pattern = pattern
            self.flavor = flavor
            self.requiresKey = requiresKey
            self.inlineHandler = inlineHandler
            self.waitsOnMiners = waitsOnMiners
            self.handler = handler
        }
    }

    private let router: Router<Route>
    /// Methods with at least one inline route (HEAD goes with GET): others skip the inline lookup.
    private let inlineMethods: Set<String>
    private let authenticator: Authenticator
    private let limiter: RateLimiter
    private let metrics: Metrics
    private let logger: Logger
    private let upstreamExecutor: @Sendable () -> (any TaskExecutor)?
    private let cors: CORSPolicy

    /// Creates a gateway from a list of `(method, route)` pairs; `upstreamExecutor` is where routes that wait on
    /// miners run (nil: the global executor); `cors` says which web pages may call it.
    public init(
        routes: [(method: String, route: Route)], authenticator: Authenticator, limiter: RateLimiter,
        metrics: Metrics, logger: Logger, upstreamExecutor: @escaping @Sendable () -> (any TaskExecutor)? = { nil },
        cors: CORSPolicy = CORSPolicy()
    ) {
        self.upstreamExecutor = upstreamExecutor
        self.cors = cors
        var router = Router<Route>()
        for (method, route) in routes { router.add(method, route.pattern, route) }
        self.router = router
        inlineMethods = Set(routes.filter { $0.route.inlineHandler != nil }.map(\.method))
        self.authenticator = authenticator
        self.limiter = limiter
        self.metrics = metrics
        self.logger = logger
    }

    /// Handles one request; never throws — every failure becomes a response in the route's API shape.
    public func handle(_ request: Request) async -> Response {
        let started = ContinuousClock.now
        let (route, response) = await dispatch(request)
        let label = route?.pattern ?? "unmatched"
        return observed(response, request: request, route: label, started: started)
    }

    /// Decides from a request's head, before its body is read: a request for no route, or without a valid key where
    /// one is needed, is answered now (the server then closes the connection unread); an admitted one carries the
    /// key's identity to `handle` as its caller, so the key is looked up once.
    public func admit(_ head: Request) -> Admission {
        if let answer = options(head) {
            // Answered inline, on a connection kept open (browsers send a preflight before each new kind of call);
            // one announcing a body is answered at once and closed, so nothing keyless is buffered.
            let announcesBody =
                head.headers["Transfer-Encoding"] != nil || (head.headers["Content-Length"].map { $0 != "0" } ?? false)
            return announcesBody
                ? .reject(observed(answer, request: head, route: "options", started: .now)) : .admit(caller: nil)
        }
        let match = router.match(method: head.method, path: head.path)
        guard case .found(let route, let parameters) = match else {
            return .reject(observed(unmatched(head, match), request: head, route: "unmatched", started: .now))
        }
        let matched = MatchedRoute(route: route, parameters: parameters)
        guard route.requiresKey else { return .admit(caller: nil, route: matched) }
        do {
            return .admit(caller: try authenticate(head), route: matched)
        } catch {
            let response = error.response(for: route.flavor)
            return .reject(observed(response, request: head, route: route.pattern, started: .now))
        }
    }

    /// Answers on the server's thread what a route's inline handler can; nil leaves the request to `handle`.
    ///
    /// The key is checked before the inline handler runs; the rate-limit token is taken only for an answer given
    /// here, so a request passed on to `handle` is charged once, there.
    public func handleInline(_ request: Request) -> Response? {
        if request.method == "OPTIONS", let answer = options(request) {
            return observed(answer, request: request, route: "options", started: .now)
        }
        guard inlineMethods.contains(request.method == "HEAD" ? "GET" : request.method),
            case .found(let route, let parameters) = match(request), let inlineHandler = route.inlineHandler
        else { return nil }
        let started = ContinuousClock.now
        let response: Response
        do {
            let identity = route.requiresKey ? try authenticate(request) : nil
            guard let answer = try inlineHandler(request, parameters) else { return nil }
            if let identity { try charge(identity) }
            response = answer
        } catch {
            if error.status == 429 { metrics.recordRateLimited() }
            response = error.response(for: route.flavor)
        }
        return observed(response, request: request, route: route.pattern, started: started)
    }

    /// Where `handle` should run for `request`: the upstream executor for a route that waits on miners.
    public func preferredExecutor(for request: Request) -> (any TaskExecutor)? {
        guard case .found(let route, _) = match(request), route.waitsOnMiners
        else { return nil }
        return upstreamExecutor()
    }

    /// The route `admit` matched for the request's head, or a lookup now (requests handed in without the
    /// server's admission): the table is searched once per request.
    private func match(_ request: Request) -> Router<Route>.Match {
        if let matched = request.admittedRoute as? MatchedRoute {
            return .found(matched.route, parameters: matched.parameters)
        }
        return router.match(method: request.method, path: request.path)
    }

    private func dispatch(_ request: Request) async -> (Route?, Response) {
        if let answer = options(request) { return (nil, answer) }
        let match = match(request)
        switch match {
        case .notFound, .methodNotAllowed:
            return (nil, unmatched(request, match))
        case .found(let route, let parameters):
            do {
                var request = request
                if route.requiresKey {
                    let caller = try authenticate(request)
                    try charge(caller)
                    request.caller = caller
                }
                return (route, try await route.handler(request, parameters))
            } catch {
                if error.status == 429 { metrics.recordRateLimited() }
                return (route, error.response(for: route.flavor))
            }
        }
    }

    /// The answer to an `OPTIONS` request for a path the routes serve: a CORS preflight's (see `CORSPolicy`), or a
    /// plain 204 naming the methods; nil for other methods and unknown paths (those get 404 as usual).
    private func options(_ request: Request) -> Response? {
        guard request.method == "OPTIONS",
            case .methodNotAllowed(let methods) = router.match(method: request.method, path: request.path)
        else { return nil }
        if let origin = request.headers["Origin"], let method = request.headers["Access-Control-Request-Method"] {
            return cors.preflight(request, origin: origin, requestedMethod: method, methods: methods)
        }
        var response = Response(status: 204, body: .bytes([]))
        response.headers.add(name: "Allow", value: (methods + ["OPTIONS"]).joined(separator: ", "))
        return response
    }

    /// The answer for a request no route takes: 404, or 405 naming the methods the path allows.
    private func unmatched(_ request: Request, _ match: Router<Route>.Match) -> Response {
        let flavor = Self.flavor(forPath: request.path)
        guard case .methodNotAllowed(let allowed) = match else {
            return APIError.notFound("route \(request.method) \(request.path)").response(for: flavor)
        }
        let error = APIError(
            status: 405, code: "method_not_allowed", message: "method \(request.method) is not allowed here",
            headers: [APIError.Header(name: "Allow", value: allowed.joined(separator: ", "))])
        return error.response(for: flavor)
    }

    /// The identity to rate-limit under: the caller `admit` found from the request's head, or the key checked
    /// now (requests handed in without the server's admission); 401 without a valid key.
    private func authenticate(_ request: Request) throws(APIError) -> String {
        if let caller = request.caller { return caller }
        guard let identity = authenticator.authenticate(request.headers) else { throw APIError.unauthorized }
        return identity
    }

    /// Takes one rate-limit token; 429 when the bucket is empty.
    private func charge(_ identity: String) throws(APIError) {
        if case .limited(let retryAfter) = limiter.take(key: identity) {
            throw APIError.rateLimited(retryAfter: retryAfter)
        }
    }

    /// Records metrics and the access-log line when the response is complete (after the stream for SSE).
    private func observed(_ answer: Response, request: Request, route: String, started: ContinuousClock.Instant)
        -> Response
    {
        var decorated = answer
        if request.method != "OPTIONS" {
            cors.decorate(&decorated, origin: request.headers["Origin"], path: request.path)
        }
        let response = decorated
        let finish: @Sendable () -> Void = { [metrics, logger] in
            let elapsed = started.duration(to: .now)
            metrics.recordRequest(route: route, status: response.status, duration: elapsed)
            logger.info(
                "\(request.method) \(route) \(response.status)",
                metadata: [
                    "request_id": "\(request.id)", "remote": "\(request.remoteAddress)",
                    "ms": "\(Int(elapsed.seconds * 1000))",
                ])
        }
        guard case .stream(let produce) = response.body else {
            finish()
            return response
        }
        var wrapped = response
        wrapped.body = .stream({ writer in
            defer { finish() }
            try await produce(writer)
        })
        return wrapped
    }

    /// A route `admit` found for a request's head, carried to the handler in `Request.admittedRoute`.
    private final class MatchedRoute: Sendable {
        let route: Route
        let parameters: [String: String]

        init(route: Route, parameters: [String: String]) {
            self.route = route
            self.parameters = parameters
        }
    }

    /// The API family of a path, for errors on unmatched routes.
    static func flavor(forPath path: String) -> APIFlavor {
        if path.hasPrefix("/v1/") { return .openAI }
        if path.hasPrefix("/api/v0/") { return .kubo }
        if path.hasPrefix("/api/") { return .cortensor }
        return .plain
    }
}
