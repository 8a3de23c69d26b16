public import HTTPServer

/// Which web pages may call the router from a browser (CORS): the APIs admit an explicit list of origins
/// (`server.cors_origins`, none by default), the public IPFS gateway any origin (`server.cors_gateway_origins`,
/// `*` by default, as public IPFS gateways do). Keys travel in `Authorization`, never in cookies, so no response
/// allows credentials.
public struct CORSPolicy: Sendable, Equatable {
    /// Origins allowed on the API routes (`*` for any).
    public var apiOrigins: [String]
    /// Origins allowed on `/ipfs/` and `/ipns/` (`*` for any).
    public var gatewayOrigins: [String]

    /// How long a browser may cache a preflight's answer, in seconds.
    static let preflightMaxAge = "600"
    /// Response headers a page's script may read besides the CORS-safelisted ones.
    static let exposedHeaders =
        "X-Request-Id, Retry-After, X-Cortensor-Miner, X-Cortensor-Task, X-Cache, "
        + "X-Ipfs-Path, X-Ipfs-Roots, Content-Range, Content-Length, ETag"
    /// Longest `Access-Control-Request-Headers` echoed back.
    static let maxRequestedHeadersBytes = 1024

    /// Creates a policy.
    public init(apiOrigins: [String] = [], gatewayOrigins: [String] = ["*"]) {
        self.apiOrigins = apiOrigins
        self.gatewayOrigins = gatewayOrigins
    }

    /// The `Access-Control-Allow-Origin` value for a request from `origin` to `path`: `*` when any origin is allowed,
    /// the origin itself when it is listed, nil when it is not allowed (the response then carries no CORS header and
    /// the browser keeps the answer from the page).
    public func allowedOrigin(_ origin: String, path: String) -> String? {
        let allowed = Self.isGatewayPath(path) ? gatewayOrigins : apiOrigins
        if allowed.contains("*") { return "*" }
        return allowed.contains(origin) ? origin : nil
    }

    /// Whether `path` is served by the IPFS gateway.
    static func isGatewayPath(_ path: String) -> Bool {
        path.hasPrefix("/ipfs/") || path.hasPrefix("/ipns/") || path == "/ipfs" || path == "/ipns"
    }

    /// Adds the CORS headers to `response` for a request from `origin` (nothing when it is not allowed).
    public func decorate(_ response: inout Response, origin: String?, path: String) {
        guard let origin, let allowed = allowedOrigin(origin, path: path) else { return }
        response.headers.add(name: "Access-Control-Allow-Origin", value: allowed)
        response.headers.add(name: "Access-Control-Expose-Headers", value: Self.exposedHeaders)
        if allowed != "*" { response.headers.add(name: "Vary", value: "Origin") }
    }

    /// The answer to a preflight (`OPTIONS` with `Origin` and `Access-Control-Request-Method`) for a path whose
    /// routes allow `methods`: 204 with the allowed methods and the requested headers, or 403 when the origin is
    /// not allowed or the method not served there.
    func preflight(_ request: Request, origin: String, requestedMethod: String, methods: [String]) -> Response {
        let flavor = EdgeGateway.flavor(forPath: request.path)
        guard let allowed = allowedOrigin(origin, path: request.path) else {
            return APIError(
                status: 403, code: "origin_not_allowed",
                message: "origin \(origin.prefix(200)) may not call this router"
            )
            .response(for: flavor)
        }
        var allowedMethods = methods
        if allowedMethods.contains("GET") && !allowedMethods.contains("HEAD") { allowedMethods.append("HEAD") }
        guard allowedMethods.contains(requestedMethod) else {
            return APIError(
                status: 403, code: "method_not_allowed",
                message: "method \(requestedMethod.prefix(20)) is not served here; allowed: "
                    + allowedMethods.joined(separator: ", ")
            ).response(for: flavor)
        }
        var response = Response(status: 204, body: .bytes([]))
        response.headers.add(name: "Access-Control-Allow-Origin", value: allowed)
        response.headers.add(
            name: "Access-Control-Allow-Methods", value: (allowedMethods + ["OPTIONS"]).joined(separator: ", "))
        if let requested = request.headers["Access-Control-Request-Headers"], Self.isHeaderList(requested) {
            response.headers.add(name: "Access-Control-Allow-Headers", value: requested)
        }
        response.headers.add(name: "Access-Control-Max-Age", value: Self.preflightMaxAge)
        response.headers.add(
            name: "Vary", value: "Origin, Access-Control-Request-Method, Access-Control-Request-Headers")
        return response
    }

    /// Whether `value` is a bounded comma-separated list of header names (token characters), safe to echo.
    static func isHeaderList(_ value: String) -> Bool {
        value.utf8.count <= maxRequestedHeadersBytes
            && value.utf8.allSatisfy { byte in
                switch byte {
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                    UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: ","),
                    UInt8(ascii: " "):
                    true
                default: false
                }
            }
    }
}

extension EdgeConfig.Server {
    /// The CORS policy these settings describe.
    public var corsPolicy: CORSPolicy { CORSPolicy(apiOrigins: corsOrigins, gatewayOrigins: corsGatewayOrigins) }
}
