import System

/// `send`: the race of one request's attempts. The first attempt goes to the best miner; an attempt that fails
/// before its first event is replaced at once by the next untried miner; when the hedge delay passes with no first
/// event (and the hedge budget allows), one more attempt starts on the next-best remote miner. The first attempt
/// to produce a first event wins, the others are stopped (their connections closed) and recorded as slow, not as
/// failed. The request fails only when no untried miner that could serve it is left, or at its deadline.
extension MinerPool {
    /// One attempt in flight.
    struct LiveAttempt {
        let slot: Int
        let minerID: String
        let gate: AttemptGate
        let events: UpstreamEventStream
        let isFallback: Bool
    }

    /// The state of one request's race.
    struct SendRound {
        let request: UpstreamRequest
        let allowed: Set<String>?
        let deadline: ContinuousClock.Instant
        /// Remote miners must start before this, so the fallback (the local model) still has time to answer.
        let remoteDeadline: ContinuousClock.Instant
        let inbox: AttemptInbox
        var tried = Set<String>()
        var failures: [UpstreamAttemptFailure] = []
        var attempts = 0
        var live: [LiveAttempt] = []
        /// Attempts to keep in flight: 1, or 2 once the request hedged.
        var target = 1

        /// The error when nothing is in flight and nothing more can start.
        var exhausted: UpstreamError {
            if ContinuousClock.now >= deadline { return .deadlineExceeded(miner: nil, attempts: failures) }
            if failures.isEmpty { return .noHealthyMiner(model: request.model) }
            return .allMinersFailed(attempts: failures)
        }
    }

    /// Sends `request` to the best allowed miner (`allowed == nil`: any), hedging and retrying on other miners until
    /// one produces its first event; the reply relays events as they arrive until the miner ends or `deadline`.
    public func send(
        _ request: UpstreamRequest, miners allowed: [String]?, deadline: ContinuousClock.Instant
    ) async throws(UpstreamError) -> UpstreamReply {
        let allowedIDs = allowed.map { Set($0) }
        if let unserved = unservedModel(request.model, allowed: allowedIDs) { throw unserved }
        if Task.isCancelled { throw .cancelled }
        let now = ContinuousClock.now
        if now >= deadline { throw .deadlineExceeded(miner: nil, attempts: []) }
        var round = SendRound(
            request: request, allowed: allowedIDs, deadline: deadline,
            remoteDeadline: hasFallback ? deadline - settings.fallbackReserve : deadline, inbox: AttemptInbox())
        hedgeBudget.recordRequest(now: now)
        fill(&round, hedging: false)
        guard let first = round.live.first else { throw round.exhausted }
        // One timer per request, cancelled when the first event comes before it: all a fast request pays for.
        var hedgeTimer: TimerQueue.Token?
        if hedgeBudget.isEnabled, !first.isFallback, miners.count > 1 {
            let inbox = round.inbox
            hedgeTimer = TimerQueue.shared.schedule(after: hedgeDelay.current) { inbox.post(.hedgeDue) }
        }
        defer { if let hedgeTimer { TimerQueue.shared.cancel(hedgeTimer) } }
        let inbox = round.inbox
        while true {
            let event = await withTaskCancellationHandler {
                await inbox.next()
            } onCancel: {
                inbox.post(.cancelled)
            }
            switch event {
            case .cancelled:
                stop(round.live, asSlow: false)
                throw .cancelled
            case .hedgeDue:
                guard round.target == 1, round.live.count == 1 else { continue }
                round.target = 2
                fill(&round, hedging: true)
            case .start(let slot, let start):
                guard let position = round.live.firstIndex(where: { $0.slot == slot }) else { continue }
                let attempt = round.live.remove(at: position)
                switch start {
                case .started(let firstEventAfter):
                    recordWinner(attempt, after: firstEventAfter)
                    stop(round.live, asSlow: true)
                    return UpstreamReply(
                        minerID: attempt.minerID, events: attempt.events,
                        minerModel: index(of: attempt.minerID).flatMap { miners[$0].models.first })
                case .failed(.refused(let refusal)):
                    // The request is at fault: every other miner would refuse it too.
                    stop(round.live, asSlow: false)
                    throw .requestRefused(miner: attempt.minerID, refusal: refusal)
                case .failed(let reason):
                    round.failures.append(UpstreamAttemptFailure(minerID: attempt.minerID, reason: reason))
                    fill(&round, hedging: false)
                    if round.live.isEmpty { throw round.exhausted }
                case .deadline:
                    stop(round.live, asSlow: false)
                    // Attempts still waiting at the deadline are named too: they had no first token in time.
                    let waiting = round.live.map {
                        UpstreamAttemptFailure(minerID: $0.minerID, reason: .firstTokenTimeout)
                    }
                    throw .deadlineExceeded(miner: attempt.minerID, attempts: round.failures + waiting)
                case .cancelled:
                    stop(round.live, asSlow: false)
                    throw .cancelled
                }
            }
        }
    }

    /// Starts attempts until `round.target` are in flight or no miner may take one. A hedge (the attempt beyond the
    /// first) goes only to a remote miner and only if the hedge budget has room.
    private func fill(_ round: inout SendRound, hedging: Bool) {
        while round.live.count < round.target {
            let now = ContinuousClock.now
            if now >= round.deadline { return }
            // Once the attempts are spent, or too little time is left for a remote miner, only a fallback miner
            // may still take the request.
            let capped = settings.maxAttempts > 0 && round.attempts >= settings.maxAttempts
            let onlyFallback = capped || now >= round.remoteDeadline
            if hedging && onlyFallback { return }
            guard
                let (index, isProbe) = admitBest(
                    model: round.request.model, allowed: round.allowed, tried: round.tried,
                    onlyFallback: onlyFallback, onlyRemote: hedging, now: now)
            else { return }
            if hedging {
                guard hedgeBudget.takeHedge(now: now) else {
                    if isProbe { miners[index].breaker.releaseProbe() }
                    return
                }
                observer.hedged(miners[index].config.id)
            }
            round.attempts += 1
            let config = miners[index].config
            round.tried.insert(config.id)
            let slot = round.attempts
            let inbox = round.inbox
            let (gate, events) = startAttempt(
                index: index, request: round.request, isProbe: isProbe, deadline: round.deadline,
                firstEventBy: config.isFallback ? round.deadline : round.remoteDeadline,
                priorFailures: round.failures)
            gate.onStart { start in inbox.post(.start(slot: slot, start)) }
            round.live.append(
                LiveAttempt(
                    slot: slot, minerID: config.id, gate: gate, events: events, isFallback: config.isFallback))
        }
    }

    /// Accounts the winner's first event.
    private func recordWinner(_ attempt: LiveAttempt, after firstEventAfter: Duration) {
        if let index = index(of: attempt.minerID) { miners[index].health.recordFirstByte(after: firstEventAfter) }
        // The local model's latency says nothing about the remote miners the hedge delay is for.
        if !attempt.isFallback { hedgeDelay.record(firstEventAfter) }
        observer.firstByte(attempt.minerID, firstEventAfter)
    }

    /// Stops attempts that lost (or whose request ended): their transfers are cancelled and connections closed.
    /// A loser of a race (`asSlow`) is recorded as slow, not as failed: it was waited on this long for nothing.
    private func stop(_ attempts: [LiveAttempt], asSlow: Bool) {
        let now = ContinuousClock.now
        for attempt in attempts {
            if asSlow, let index = index(of: attempt.minerID) {
                miners[index].health.recordSlow(after: now - attempt.gate.startedAt)
            }
            attempt.gate.requestStop()
        }
    }

    /// A 404 `model_not_found` when a model is asked for that no allowed miner serves, judged only when every
    /// allowed miner's models are known (configured or discovered) and there is no fallback; nil otherwise.
    func unservedModel(_ model: String?, allowed: Set<String>?) -> UpstreamError? {
        guard let model, !model.isEmpty else { return nil }
        var available = Set<String>()
        for miner in miners where allowed?.contains(miner.config.id) ?? true || miner.config.isFallback {
            let models = miner.models
            if miner.config.isFallback || models.isEmpty || models.contains(model) { return nil }
            available.formUnion(models)
        }
        return available.isEmpty ? nil : .modelNotFound(model: model, available: available.sorted())
    }
}
