/// Orders the miners that may take a request. Pure: no clock reads, no I/O.
///
/// Rules, in order: drop miners not in the allowed list, not serving the model (a miner with no configured
/// models serves any), already tried for this request, or whose breaker rejects traffic (open, or half-open
/// with its probe slot taken). Closed miners come first, then half-open ones (a probe is a gamble), then fallback
/// miners, which serve any model; within each group the higher score wins and equal scores go to the lower id,
/// so the order is deterministic.
public enum MinerSelector {
    /// What the selector needs to know about one miner.
    public struct Candidate: Sendable, Hashable {
        /// Miner id.
        public var id: String
        /// Models the miner serves; empty means any model.
        public var models: [String]
        /// Score from `MinerHealth.score(weight:)`.
        public var score: Double
        /// The miner's breaker.
        public var breaker: CircuitBreaker
        /// A last-resort miner (see `MinerConfig.isFallback`).
        public var isFallback: Bool

        /// Creates a candidate.
        public init(id: String, models: [String], score: Double, breaker: CircuitBreaker, isFallback: Bool = false) {
            self.id = id
            self.models = models
            self.score = score
            self.breaker = breaker
            self.isFallback = isFallback
        }
    }

    /// Candidate ids, best first. `allowed == nil` allows every miner; `model == nil` (or empty) matches any.
    public static func order(
        _ candidates: [Candidate], model: String?, allowed: Set<String>?, excluding tried: Set<String>,
        now: ContinuousClock.Instant
    ) -> [String] {
        let eligible = candidates.filter { candidate in
            if let allowed, !allowed.contains(candidate.id) { return false }
            if tried.contains(candidate.id) { return false }
            if !serves(candidate, model: model) { return false }
            return candidate.breaker.canAdmit(now: now)
        }
        let ranked = eligible.map { candidate -> (group: Int, score: Double, id: String) in
            let isClosed = candidate.breaker.effectiveState(now: now) == .closed
            return (candidate.isFallback ? 2 : isClosed ? 0 : 1, candidate.score, candidate.id)
        }
        return ranked.sorted { lhs, rhs in
            if lhs.group != rhs.group { return lhs.group < rhs.group }
            if lhs.score != rhs.score { return lhs.score > rhs.score }
            return lhs.id < rhs.id
        }.map(\.id)
    }

    /// Whether the candidate serves `model` (a fallback serves every model).
    public static func serves(_ candidate: Candidate, model: String?) -> Bool {
        guard let model, !model.isEmpty, !candidate.models.isEmpty, !candidate.isFallback else { return true }
        return candidate.models.contains(model)
    }
}
