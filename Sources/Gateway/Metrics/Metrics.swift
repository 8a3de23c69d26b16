import Synchronization
import System

/// The router's Prometheus metrics: requests by route and status, latencies, and per-miner upstream figures.
///
/// Routes are recorded by pattern (`/api/v1/tasks/{sid}`), never by raw path, so label sets stay bounded.
public final class Metrics: Sendable {
    private struct RequestKey: Hashable {
        let route: String
        let status: Int
    }

    private struct UpstreamKey: Hashable {
        let miner: String
        let outcome: String
    }

    private struct State {
        var requests: [RequestKey: UInt64] = [:]
        var requestLatency: [String: Histogram] = [:]
        var upstream: [UpstreamKey: UInt64] = [:]
        var upstreamFirstByte: [String: Histogram] = [:]
        var rateLimited: UInt64 = 0
        var hedges: UInt64 = 0
        var cacheHits: UInt64 = 0
        var cacheMisses: UInt64 = 0
    }

    private let state = Mutex(State())
    private let gauges: @Sendable () -> [(name: String, help: String, value: Double)]

    /// Creates a registry; `gauges` is read at each scrape (open connections, active streams, ...).
    public init(gauges: @escaping @Sendable () -> [(name: String, help: String, value: Double)] = { [] }) {
        self.gauges = gauges
    }

    /// Records one finished request.
    public func recordRequest(route: String, status: Int, duration: Duration) {
        state.withLock { state in
            state.requests[RequestKey(route: route, status: status), default: 0] += 1
            state.requestLatency[route, default: Histogram()].observe(duration.seconds)
        }
    }

    /// Records the end of one attempt on a miner: `outcome` is `ok`, `aborted` or a short error class.
    public func recordUpstreamOutcome(miner: String, outcome: String) {
        state.withLock { $0.upstream[UpstreamKey(miner: miner, outcome: outcome), default: 0] += 1 }
    }

    /// Records a miner's time to first token.
    public func recordUpstreamFirstByte(miner: String, after: Duration) {
        state.withLock { $0.upstreamFirstByte[miner, default: Histogram()].observe(after.seconds) }
    }

    /// An observer that feeds the pool's attempts into these metrics.
    public var minerPoolObserver: MinerPoolObserver {
        MinerPoolObserver(
            attemptEnded: { [self] miner, outcome in recordUpstreamOutcome(miner: miner, outcome: outcome) },
            firstByte: { [self] miner, after in recordUpstreamFirstByte(miner: miner, after: after) },
            hedged: { [self] _ in state.withLock { $0.hedges += 1 } })
    }

    /// Records a request refused by the rate limiter.
    public func recordRateLimited() {
        state.withLock { $0.rateLimited += 1 }
    }

    /// Records a completion-cache lookup of a cacheable request.
    public func recordCacheLookup(hit: Bool) {
        state.withLock { state in
            if hit { state.cacheHits += 1 } else { state.cacheMisses += 1 }
        }
    }

    /// The Prometheus text exposition (version 0.0.4).
    public func render() -> String {
        var text = ""
        let snapshot = state.withLock { $0 }
        text += "# HELP cortensor_edge_requests_total HTTP requests by route pattern and status.\n"
        text += "# TYPE cortensor_edge_requests_total counter\n"
        for (key, count) in snapshot.requests.sorted(by: {
            ($0.key.route, $0.key.status) < ($1.key.route, $1.key.status)
        }) {
            text +=
                "cortensor_edge_requests_total{route=\"\(Self.escape(key.route))\",status=\"\(key.status)\"} \(count)\n"
        }
        text += "# HELP cortensor_edge_request_duration_seconds Time to the end of the response, by route.\n"
        text += "# TYPE cortensor_edge_request_duration_seconds histogram\n"
        for (route, histogram) in snapshot.requestLatency.sorted(by: { $0.key < $1.key }) {
            histogram.render(
                name: "cortensor_edge_request_duration_seconds", labels: "route=\"\(Self.escape(route))\"", into: &text)
        }
        text += "# HELP cortensor_edge_upstream_requests_total Attempts on miners by outcome.\n"
        text += "# TYPE cortensor_edge_upstream_requests_total counter\n"
        for (key, count) in snapshot.upstream.sorted(by: {
            ($0.key.miner, $0.key.outcome) < ($1.key.miner, $1.key.outcome)
        }) {
            text +=
                "cortensor_edge_upstream_requests_total{miner=\"\(Self.escape(key.miner))\",outcome=\"\(Self.escape(key.outcome))\"} \(count)\n"
        }
        text += "# HELP cortensor_edge_upstream_first_byte_seconds Time from sending to a miner to its first token.\n"
        text += "# TYPE cortensor_edge_upstream_first_byte_seconds histogram\n"
        for (miner, histogram) in snapshot.upstreamFirstByte.sorted(by: { $0.key < $1.key }) {
            histogram.render(
                name: "cortensor_edge_upstream_first_byte_seconds", labels: "miner=\"\(Self.escape(miner))\"",
                into: &text)
        }
        text += "# HELP cortensor_edge_upstream_hedges_total Requests hedged on a second miner.\n"
        text += "# TYPE cortensor_edge_upstream_hedges_total counter\n"
        text += "cortensor_edge_upstream_hedges_total \(snapshot.hedges)\n"
        text += "# HELP cortensor_edge_rate_limited_total Requests refused with 429.\n"
        text += "# TYPE cortensor_edge_rate_limited_total counter\n"
        text += "cortensor_edge_rate_limited_total \(snapshot.rateLimited)\n"
        text += "# HELP cortensor_edge_completion_cache_lookups_total Cacheable completions by cache result.\n"
        text += "# TYPE cortensor_edge_completion_cache_lookups_total counter\n"
        text += "cortensor_edge_completion_cache_lookups_total{result=\"hit\"} \(snapshot.cacheHits)\n"
        text += "cortensor_edge_completion_cache_lookups_total{result=\"miss\"} \(snapshot.cacheMisses)\n"
        // A gauge named with labels (`name{kind="x"}`) is one series of `name`: its HELP and TYPE come once.
        var described = Set<Substring>()
        for gauge in gauges() {
            let family = gauge.name.prefix { $0 != "{" }
            if described.insert(family).inserted {
                text += "# HELP \(family) \(gauge.help)\n# TYPE \(family) gauge\n"
            }
            text += "\(gauge.name) \(gauge.value)\n"
        }
        return text
    }

    /// Escapes a label value: backslash, quote and newline.
    static func escape(_ value: String) -> String {
        var escaped = ""
        for character in value {
            switch character {
            case "\\": escaped += "\\\\"
            case "\"": escaped += "\\\""
            case "\n": escaped += "\\n"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}
