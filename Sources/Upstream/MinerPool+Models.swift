extension MinerPool {
    /// Whether only the local model could answer a request for `model` (nil: any) among `allowed` (nil: every
    /// miner): there is one, and no remote miner among `allowed` serves the model (a miner listing no models
    /// serves any). An unknown model with no local model is `send`'s 404 `model_not_found`.
    public func onlyLocalCanAnswer(model: String?, allowed: [String]?) -> Bool {
        guard hasFallback else { return false }
        return !miners.contains { miner in
            !miner.config.isFallback && (allowed?.contains(miner.config.id) ?? true)
                && MinerSelector.serves(
                    MinerSelector.Candidate(
                        id: miner.config.id, models: miner.models, score: 0, breaker: miner.breaker, isFallback: false),
                    model: model)
        }
    }
}
