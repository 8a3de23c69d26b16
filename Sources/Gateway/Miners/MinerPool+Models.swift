extension MinerPool {
    /// What the pool can do with a request for one model among some miners.
    public enum ModelReach: Sendable, Equatable {
        /// No miner serves the model (every eligible miner lists its models, and none lists it).
        case unknown
        /// A remote miner may serve it.
        case remote
        /// Only the local model can answer (no remote miner among `allowed`, or none serving the model).
        case onlyLocal
    }

    /// Who could answer a request for `model` (nil: any) among `allowed` (nil: every miner). A miner that lists
    /// no models serves any; the local model serves every model, as the fallback of last resort.
    public func reach(model: String?, allowed: [String]?) -> ModelReach {
        let remote = miners.filter { !$0.config.isFallback && (allowed?.contains($0.config.id) ?? true) }
        let candidates = remote.map { miner in
            MinerSelector.Candidate(
                id: miner.config.id, models: miner.models, score: 0, breaker: miner.breaker, isFallback: false)
        }
        if remote.isEmpty && !hasFallback { return .remote }  // nothing to ask: the pool says so
        if candidates.contains(where: { MinerSelector.serves($0, model: model) }) { return .remote }
        return hasFallback ? .onlyLocal : .unknown
    }
}
