/// Which endpoint to ask next: round robin over healthy endpoints, with a cool-down for those that keep failing.
/// A value type without I/O; `JSONRPCClient` keeps one behind a lock.
struct RPCEndpointPool: Sendable {
    /// One endpoint's recent record.
    struct Health: Sendable, Equatable {
        /// Failures since the last success.
        var consecutiveFailures = 0
        /// Until when the endpoint is only used if nothing else is left.
        var demotedUntil: ContinuousClock.Instant?
    }

    /// Per endpoint, parallel to the client's endpoint list.
    private(set) var health: [Health]
    /// Consecutive failures that demote an endpoint.
    let demoteAfter: Int
    /// How long a demotion lasts.
    let coolDown: Duration
    private var cursor = 0

    /// A pool of `count` healthy endpoints.
    init(count: Int, demoteAfter: Int, coolDown: Duration) {
        precondition(count > 0, "an endpoint pool needs at least one endpoint")
        health = Array(repeating: Health(), count: count)
        self.demoteAfter = max(1, demoteAfter)
        self.coolDown = coolDown
    }

    /// Whether endpoint `index` is serving normally at `now`.
    func isHealthy(_ index: Int, at now: ContinuousClock.Instant) -> Bool {
        health[index].demotedUntil.map { $0 <= now } ?? true
    }

    /// The next endpoint to ask, never one in `excluded`: a healthy one not yet `tried` (round robin), else a
    /// healthy tried one, else the demoted one whose cool-down ends first. `nil` when all are excluded.
    mutating func next(at now: ContinuousClock.Instant, tried: Set<Int>, excluded: Set<Int>) -> Int? {
        let order = (0..<health.count).map { (cursor + $0) % health.count }.filter { !excluded.contains($0) }
        let healthy = order.filter { isHealthy($0, at: now) }
        let pick =
            healthy.first { !tried.contains($0) } ?? healthy.first
            ?? order.min { (health[$0].demotedUntil ?? now) < (health[$1].demotedUntil ?? now) }
        if let pick { cursor = (pick + 1) % health.count }
        return pick
    }

    /// Records an answer from endpoint `index`: its record is clean again.
    mutating func recordSuccess(_ index: Int) {
        health[index] = Health()
    }

    /// Records a failure of endpoint `index` at `now`, demoting it once failures reach `demoteAfter` (and again on
    /// the first failure after a cool-down, until it succeeds).
    mutating func recordFailure(_ index: Int, at now: ContinuousClock.Instant) {
        health[index].consecutiveFailures += 1
        if health[index].consecutiveFailures >= demoteAfter {
            health[index].demotedUntil = now + coolDown
        }
    }

    /// Demotes endpoint `index` at once (its data failed verification): skipped for a cool-down while others are
    /// healthy, whatever its transport record.
    mutating func demote(_ index: Int, at now: ContinuousClock.Instant) {
        health[index].consecutiveFailures = max(health[index].consecutiveFailures, demoteAfter)
        health[index].demotedUntil = now + coolDown
    }
}
