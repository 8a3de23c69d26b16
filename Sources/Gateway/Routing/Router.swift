/// A route table: method plus a path pattern whose `{name}` segments capture parameters; a final `{name...}`
/// captures the rest of the path (one or more segments, joined with `/`).
///
/// Matching is by segments, literal segments first; a path that matches a pattern under another method is
/// reported as `methodNotAllowed` so the caller can answer 405 with an `Allow` header.
public struct Router<Handler: Sendable>: Sendable {
    /// The outcome of looking a request up.
    public enum Match: Sendable {
        /// A route matched; `parameters` holds the captured `{name}` segments.
        case found(Handler, parameters: [String: String])
        /// The path exists under other methods, listed for the `Allow` header.
        case methodNotAllowed(allowed: [String])
        /// No route has this path.
        case notFound
    }

    private struct Route: Sendable {
        let method: String
        let segments: [Segment]
        let handler: Handler
    }

    private enum Segment: Sendable, Equatable {
        case literal(String)
        case parameter(String)
        case rest(String)
    }

    private var routes: [Route] = []

    /// Creates an empty router.
    public init() {}

    /// Adds a route such as `add("GET", "/api/v1/tasks/{sid}/{tid}", handler)`.
    public mutating func add(_ method: String, _ pattern: String, _ handler: Handler) {
        let segments = Self.split(pattern).map { part -> Segment in
            if part.hasPrefix("{") && part.hasSuffix("...}") {
                return .rest(String(part.dropFirst().dropLast(4)))
            }
            if part.hasPrefix("{") && part.hasSuffix("}") {
                return .parameter(String(part.dropFirst().dropLast()))
            }
            return .literal(String(part))
        }
        routes.append(Route(method: method, segments: segments, handler: handler))
        // Literal segments win over parameters at the same position, whatever the registration order.
        routes.sort { Self.specificity($0.segments) > Self.specificity($1.segments) }
    }

    /// Finds the handler for a method and a decoded path (a trailing slash is ignored).
    public func match(method: String, path: String) -> Match {
        let parts = Self.split(path)
        var allowed: [String] = []
        for route in routes {
            guard let parameters = Self.bind(route.segments, to: parts) else { continue }
            if route.method == method || (method == "HEAD" && route.method == "GET") {
                return .found(route.handler, parameters: parameters)
            }
            if !allowed.contains(route.method) { allowed.append(route.method) }
        }
        return allowed.isEmpty ? .notFound : .methodNotAllowed(allowed: allowed)
    }

    private static func split(_ path: String) -> [Substring] {
        path.split(separator: "/", omittingEmptySubsequences: true)
    }

    private static func specificity(_ segments: [Segment]) -> Int {
        // A bit per position, most significant first: literal = 1.
        segments.prefix(30).enumerated().reduce(0) { sum, item in
            guard case .literal = item.element else { return sum }
            return sum | (1 << (30 - item.offset))
        }
    }

    private static func bind(_ segments: [Segment], to parts: [Substring]) -> [String: String]? {
        let capturesRest = if case .rest = segments.last { true } else { false }
        guard capturesRest ? parts.count >= segments.count : segments.count == parts.count else { return nil }
        var parameters: [String: String] = [:]
        for (index, segment) in segments.enumerated() {
            switch segment {
            case .literal(let literal):
                guard literal == parts[index] else { return nil }
            case .parameter(let name):
                parameters[name] = String(parts[index])
            case .rest(let name):
                parameters[name] = parts[index...].joined(separator: "/")
            }
        }
        return parameters
    }
}
