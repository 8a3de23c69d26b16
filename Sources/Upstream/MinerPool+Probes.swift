/// Health probes: `GET /v1/models` on every miner each `probeInterval` (the first round when the pool starts: a
/// miner's admission). The answer is also what the miner serves: its model ids become the miner's discovered
/// models (see `MinerModelList`), which configured `models` override.
///
/// A probe of a closed breaker only counts when it fails (a listing endpoint that answers says little about
/// generation, so it must not mask failed requests). An open breaker whose open period is over is probed as
/// its half-open probe: success closes it, failure opens it again.
extension MinerPool {
    /// Largest `/v1/models` body read by a probe.
    static let maxProbeBodyBytes = 1 << 20

    /// Starts probing every miner each `probeInterval` (first round immediately); no-op when running.
    public func startHealthProbes() {
        guard probeTask == nil else { return }
        let interval = settings.probeInterval
        probeTask = Task { [weak self] in
            while !Task.isCancelled {
                do {
                    // Hold the pool only for the round, not during the sleep, so it can be released.
                    guard let self else { return }
                    await self.probeAllMiners()
                }
                try? await Task.sleep(for: interval)
            }
        }
    }

    /// Stops the health probes (an in-flight round is cancelled).
    public func stopHealthProbes() {
        probeTask?.cancel()
        probeTask = nil
    }

    /// Runs one probe round over all miners concurrently.
    func probeAllMiners() async {
        let now = ContinuousClock.now
        var targets: [(minerID: String, request: MinerHTTPRequest, isProbe: Bool)] = []
        for index in miners.indices {
            let isProbe: Bool
            switch miners[index].breaker.effectiveState(now: now) {
            case .closed:
                isProbe = false
            case .halfOpen(probeInFlight: false):
                let (admission, transition) = miners[index].breaker.admit(now: now)
                log(transition, minerID: miners[index].config.id)
                guard admission == .probe else { continue }
                isProbe = true
            case .open, .halfOpen(probeInFlight: true):
                continue
            }
            let request = MinerHTTPRequest(
                method: "GET", url: Self.baseURL(miners[index].config.url) + "/v1/models",
                headers: miners[index].config.apiKey.map { [("Authorization", "Bearer \($0)")] } ?? [], body: [],
                connectTimeout: settings.connectTimeout)
            targets.append((miners[index].config.id, request, isProbe))
        }
        let transport = transport
        let timeout = settings.connectTimeout * 2
        await withTaskGroup(of: (String, Bool, ProbeResult).self) { group in
            for target in targets {
                group.addTask {
                    let result = await Self.probe(target.request, transport: transport, timeout: timeout)
                    return (target.minerID, target.isProbe, result)
                }
            }
            for await (minerID, isProbe, result) in group {
                if Task.isCancelled {
                    // Stopped mid-round: the result says nothing about the miner.
                    if isProbe, let index = index(of: minerID) { miners[index].breaker.releaseProbe() }
                    continue
                }
                recordProbe(minerID: minerID, isProbe: isProbe, failure: result.failure)
                // Every healthy probe replaces what was discovered, an empty or unreadable list included: a stale
                // list would answer 404 for a model the miner serves now.
                if result.failure == nil, let index = index(of: minerID) {
                    miners[index].discoveredModels = result.models ?? []
                }
            }
        }
    }

    /// Accounts one probe result (nil failure: healthy).
    func recordProbe(minerID: String, isProbe: Bool, failure: UpstreamFailure?) {
        guard let index = index(of: minerID) else { return }
        let now = ContinuousClock.now
        if let failure {
            miners[index].lastError = failure.summary
            log(miners[index].breaker.recordFailure(now: now), minerID: minerID)
        } else if isProbe {
            log(miners[index].breaker.recordSuccess(now: now), minerID: minerID)
        }
    }

    /// What one probe learned: a failure (nil: healthy) and, from a healthy answer, the models it lists (nil: the
    /// body was not an OpenAI model list, or listed none).
    struct ProbeResult: Sendable {
        var failure: UpstreamFailure?
        var models: [String]?
    }

    /// One probe bounded by `timeout`; healthy when the miner answered 2xx with a complete body.
    static func probe(
        _ request: MinerHTTPRequest, transport: any MinerTransport, timeout: Duration
    ) async -> ProbeResult {
        await withTaskGroup(of: ProbeResult?.self) { group in
            group.addTask { await probeOnce(request, transport: transport) }
            group.addTask {
                do { try await Task.sleep(for: timeout) } catch { return nil }
                return ProbeResult(failure: .probeTimeout)
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first ?? ProbeResult(failure: nil)
        }
    }

    private static func probeOnce(
        _ request: MinerHTTPRequest, transport: any MinerTransport
    ) async -> ProbeResult {
        let response: MinerHTTPStream
        do {
            response = try await transport.open(request)
        } catch {
            return ProbeResult(failure: .connectFailed(describe(error)))
        }
        guard (200..<300).contains(response.status) else { return ProbeResult(failure: .httpStatus(response.status)) }
        var body: [UInt8] = []
        do {
            for try await chunk in response.body {
                guard body.count + chunk.count <= maxProbeBodyBytes else {
                    return ProbeResult(failure: .invalidResponse("models list over \(maxProbeBodyBytes) bytes"))
                }
                body += chunk
            }
        } catch {
            return ProbeResult(failure: .connectionLost(describe(error)))
        }
        let models = MinerModelList.ids(in: body)
        return ProbeResult(failure: nil, models: models.isEmpty ? nil : models)
    }
}
