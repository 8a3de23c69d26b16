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
        /// Whether the last segment captures the rest of the path.
        let capturesRest: Bool

        /// Whether a path of `count` segments can match, by length alone.
        func fits(_ count: Int) -> Bool {
            capturesRest ? count >= segments.count : count == segments.count
        }
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
        let capturesRest = if case .rest = segments.last { true } else { false }
        routes.append(Route(method: method, segments: segments, handler: handler, capturesRest: capturesRest))
        // Literal segments win over parameters at the same position, whatever the registration order.
        routes.sort { Self.specificity($0.segments) > Self.specificity($1.segments) }
    }

    /// Finds the handler for a method and a decoded path (a trailing slash is ignored).
    public func match(method: String, path: String) -> Match {
        let parts = Self.split(path)
        var allowed: [String] = []
        // By index, and by length first: copying each route out of the table cost more than comparing it.
        for index in routes.indices where routes[index].fits(parts.count) {
            guard let parameters = Self.bind(routes[index].segments, to: parts) else { continue }
            let routeMethod = routes[index].method
            if routeMethod == method || (method == "HEAD" && routeMethod == "GET") {
                return .found(routes[index].handler, parameters: parameters)
            }
            if !allowed.contains(routeMethod) { allowed.append(routeMethod) }
        }
        return allowed.isEmpty ? .notFound : .methodNotAllowed(allowed: allowed)
    }

    /// Splits at `/` bytes, dropping empty parts: a scan of UTF-8 bytes, not of Characters (that cost ~30k
    /// instructions per request), and a plain loop, not the generic `split` (~2.5k per call).
    private static func split(_ path: String) -> [Substring] {
        let utf8 = path.utf8
        var parts: [Substring] = []
        var start = utf8.startIndex
        var index = start
        while index != utf8.endIndex {
            if utf8[index] == UInt8(ascii: "/") {
                if start != index { parts.append(Substring(utf8[start..<index])) }
                start = utf8.index(after: index)
            }
            index = utf8.index(after: index)
        }
        if start != utf8.endIndex { parts.append(Substring(utf8[start..<utf8.endIndex])) }
        return parts
    }

    private static func specificity(_ segments: [Segment]) -> Int {
        // A bit per position, most significant first: literal = 1.
        segments.prefix(30).enumerated().reduce(0) { sum, item in
            guard case .literal = item.element else { return sum }
            return sum | (1 << (30 - item.offset))
        }
    }

    /// The parameters `segments` capture from `parts`, whose length fits them; nil when a literal differs.
    private static func bind(_ segments: [Segment], to parts: [Substring]) -> [String: String]? {
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
