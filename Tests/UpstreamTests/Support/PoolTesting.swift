import Log
import Testing
import Upstream

/// Shared set-up for the pool's integration tests against real fake-miner processes.
enum PoolTesting {
    /// Settings with short timers so failure paths run quickly.
    static func settings(
        maxAttempts: Int = 3, firstTokenTimeout: Duration = .seconds(5), threshold: Int = 3,
        openDuration: Duration = .seconds(30), probeInterval: Duration = .seconds(15)
    ) -> MinerPoolSettings {
        var settings = MinerPoolSettings()
        settings.maxAttempts = maxAttempts
        settings.firstTokenTimeout = firstTokenTimeout
        settings.connectTimeout = .seconds(2)
        settings.breakerFailureThreshold = threshold
        settings.breakerOpenDuration = openDuration
        settings.probeInterval = probeInterval
        return settings
    }

    /// Starts one fake miner per argument list, runs `body`, and stops them whatever happens.
    static func withMiners(
        _ arguments: [[String]], _ body: ([FakeMiner]) async throws -> Void
    ) async throws {
        var miners: [FakeMiner] = []
        defer { for miner in miners { miner.stop() } }
        for argumentList in arguments { miners.append(try await FakeMiner.start(argumentList)) }
        try await body(miners)
    }

    /// A pool over `miners` named a, b, c… in order.
    static func pool(
        _ miners: [FakeMiner], settings: MinerPoolSettings = settings(),
        configure: (inout [MinerConfig]) -> Void = { _ in }
    ) -> MinerPool {
        var configs = miners.enumerated().map { index, miner in
            MinerConfig(id: String(UnicodeScalar(UInt8(ascii: "a") + UInt8(index))), url: miner.url)
        }
        configure(&configs)
        return MinerPool(
            miners: configs, transport: SocketMinerTransport(), settings: settings, logger: Logger(label: "test.pool"))
    }

    /// A small OpenAI request body for `endpoint`.
    static func request(
        _ endpoint: UpstreamEndpoint = .chatCompletions, stream: Bool = true, model: String? = nil
    ) -> UpstreamRequest {
        let body =
            switch endpoint {
            case .chatCompletions: #"{"model":"m","messages":[{"role":"user","content":"hi"}],"stream":\#(stream)}"#
            case .completions: #"{"model":"m","prompt":"hi","stream":\#(stream)}"#
            }
        return UpstreamRequest(endpoint: endpoint, body: Array(body.utf8), stream: stream, model: model)
    }

    /// A deadline `duration` from now.
    static func deadline(_ duration: Duration = .seconds(20)) -> ContinuousClock.Instant {
        .now + duration
    }

    /// Every event of a reply, and the error that ended it, if any.
    static func collect(_ reply: UpstreamReply) async -> (events: [UpstreamEvent], error: (any Error)?) {
        var events: [UpstreamEvent] = []
        do {
            for try await event in reply.events { events.append(event) }
            return (events, nil)
        } catch {
            return (events, error)
        }
    }

    /// The error `send` threw, or nil when it returned a reply.
    static func sendError(
        _ pool: MinerPool, _ request: UpstreamRequest = request(), miners: [String]? = nil,
        deadline: ContinuousClock.Instant = deadline()
    ) async -> UpstreamError? {
        do {
            _ = try await pool.send(request, miners: miners, deadline: deadline)
            return nil
        } catch {
            return error
        }
    }

    /// The status of miner `id`.
    static func status(_ pool: MinerPool, _ id: String) async -> MinerStatus? {
        await pool.snapshot().first { $0.id == id }
    }

    /// Polls the pool's snapshot until `condition` holds (up to about ten seconds); returns the last one.
    static func waitForSnapshot(
        _ pool: MinerPool, _ condition: ([MinerStatus]) -> Bool
    ) async throws -> [MinerStatus] {
        var snapshot = await pool.snapshot()
        for _ in 0..<200 where !condition(snapshot) {
            try await Task.sleep(for: .milliseconds(50))
            snapshot = await pool.snapshot()
        }
        return snapshot
    }

    /// The events the fake miner produces for `tokens` words, streamed or not.
    static func expectedEvents(tokens: Int = 5, stream: Bool = true) -> [UpstreamEvent] {
        let words = (0..<tokens).map { "w\($0) " }
        let text: [UpstreamEvent] = stream ? words.map { .text($0) } : [.text(words.joined())]
        return text + [.finish(reason: "stop"), .usage(prompt: 7, completion: tokens)]
    }
}
