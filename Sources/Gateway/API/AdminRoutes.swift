import HTTPServer
import JSON
import Synchronization

/// Liveness, readiness and metrics.
///
/// `/healthz` and `/readyz` need no key so supervisors and load balancers can probe them; `/metrics` needs a key
/// on the public listener and none on the separate admin listener, which is bound to a private address.
struct AdminRoutes: Sendable {
    let metrics: Metrics
    let readiness: Readiness

    /// `/metrics`, needing a key unless served on the private admin listener.
    func metricsRoute(requiresKey: Bool) -> (method: String, route: EdgeGateway.Route) {
        let route = EdgeGateway.Route(
            pattern: "/metrics", flavor: .plain, requiresKey: requiresKey, inline: { _, _ in scrape() }
        ) { _, _ in scrape() }
        return ("GET", route)
    }

    /// The probes' paths: the server keeps connections in reserve for them (`HTTPServerConfiguration.reservedPaths`).
    static let probePaths: Set<String> = ["/healthz", "/readyz"]

    /// `/healthz` and `/readyz`, open to every caller; answered inline (they read a flag and the disk's free space).
    var probes: [(method: String, route: EdgeGateway.Route)] {
        let health: @Sendable () -> Response = { .json(200, ["status": "ok"]) }
        let ready: @Sendable () -> Response = { [readiness] in
            guard let reason = readiness.notReadyReason else { return .json(200, ["status": "ready"]) }
            return .json(503, ["status": "not_ready", "reason": .string(reason)])
        }
        return [
            (
                "GET",
                EdgeGateway.Route(
                    pattern: "/healthz", flavor: .plain, requiresKey: false, inline: { _, _ in health() }
                ) { _, _ in health() }
            ),
            (
                "GET",
                EdgeGateway.Route(
                    pattern: "/readyz", flavor: .plain, requiresKey: false, inline: { _, _ in ready() }
                ) { _, _ in ready() }
            ),
        ]
    }

    private func scrape() -> Response {
        .text(200, metrics.render(), contentType: "text/plain; version=0.0.4; charset=utf-8")
    }
}

/// Whether the router is ready to take traffic: set once listening, cleared when shutdown starts, and not while
/// the state directory's disk is full (then writes fail, so a load balancer should send traffic elsewhere).
public final class Readiness: Sendable {
    private let state = Atomic<Bool>(false)
    private let disk: DiskMonitor?

    /// Creates a not-yet-ready flag, which also watches `disk` when given.
    public init(disk: DiskMonitor? = nil) {
        self.disk = disk
    }

    /// Whether `/readyz` answers 200.
    public var isReady: Bool { notReadyReason == nil }

    /// Why `/readyz` answers 503, or nil when it answers 200.
    public var notReadyReason: String? {
        guard state.load(ordering: .acquiring) else { return "starting or shutting down" }
        return disk?.fullReason()
    }

    /// Sets readiness.
    public func set(_ ready: Bool) { state.store(ready, ordering: .releasing) }
}
