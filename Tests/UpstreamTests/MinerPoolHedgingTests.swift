import Testing
import Upstream

/// Hedging, the deadline-bounded attempt budget and model discovery, against real fake-miner processes.
@Suite(.serialized) struct MinerPoolHedgingTests {
    static func settings(hedgeDelay: Duration, firstTokenTimeout: Duration = .seconds(30)) -> MinerPoolSettings {
        var settings = PoolTesting.settings(maxAttempts: 0, firstTokenTimeout: firstTokenTimeout)
        settings.hedgeMinDelay = hedgeDelay
        settings.hedgeMaxDelay = hedgeDelay
        return settings
    }

    /// The best miner hangs: after the hedge delay the next one starts and wins; the loser's connection is closed
    /// and it is recorded as slow (first-byte average at least the delay), not as failed.
    @Test func aHangingMinerLosesToTheHedge() async throws {
        try await PoolTesting.withMiners([["--mode", "hang"], []]) { miners in
            let pool = PoolTesting.pool(miners, settings: Self.settings(hedgeDelay: .milliseconds(300)))
            let started = ContinuousClock.now
            let reply = try await pool.send(PoolTesting.request(), miners: nil, deadline: PoolTesting.deadline())
            let elapsed = ContinuousClock.now - started
            #expect(reply.minerID == "b")
            #expect(elapsed >= .milliseconds(300) && elapsed < .seconds(3))
            #expect(await PoolTesting.collect(reply).events == PoolTesting.expectedEvents())
            var disconnects = 0
            for _ in 0..<100 where disconnects == 0 {
                disconnects = try await miners[0].stats().disconnects
                if disconnects == 0 { try await Task.sleep(for: .milliseconds(50)) }
            }
            #expect(disconnects == 1)
            let loser = try #require(await PoolTesting.status(pool, "a"))
            #expect(loser.errorRate == 0 && loser.consecutiveFailures == 0)
            #expect((loser.ewmaFirstByteMs ?? 0) >= 300)
        }
    }

    /// A first token before the hedge delay: no second miner is asked.
    @Test func aFastMinerIsNotHedged() async throws {
        try await PoolTesting.withMiners([[], []]) { miners in
            let pool = PoolTesting.pool(miners, settings: Self.settings(hedgeDelay: .seconds(2)))
            for _ in 0..<5 {
                let reply = try await pool.send(PoolTesting.request(), miners: nil, deadline: PoolTesting.deadline())
                _ = await PoolTesting.collect(reply)
            }
            let started = try await miners[0].stats().started + miners[1].stats().started
            #expect(started == 5)
        }
    }

    /// With hedging off and a deadline before the first-token timeout, the request ends at its deadline naming the
    /// miner waited on; failures before it are listed.
    @Test func theDeadlineEndsTheRaceNamingTheMinersTried() async throws {
        try await PoolTesting.withMiners([["--mode", "status500"], ["--mode", "hang"]]) { miners in
            let pool = PoolTesting.pool(miners, settings: Self.settings(hedgeDelay: .seconds(5)))
            let started = ContinuousClock.now
            let error = await PoolTesting.sendError(pool, deadline: PoolTesting.deadline(.seconds(1)))
            #expect(ContinuousClock.now - started < .seconds(3))
            #expect(
                error
                    == .deadlineExceeded(
                        miner: "b", attempts: [UpstreamAttemptFailure(minerID: "a", reason: .httpStatus(500))]))
        }
    }

    /// The health probes read each miner's models; configured models override; an unknown model is refused with
    /// the list, a served one goes to its miner.
    @Test func modelsAreDiscoveredFromMiners() async throws {
        try await PoolTesting.withMiners([["--model", "llama"], ["--model", "qwen"], []]) { miners in
            let pool = PoolTesting.pool(miners) { configs in configs[2].models = ["phi"] }
            await pool.startHealthProbes()
            defer { Task { await pool.stopHealthProbes() } }
            let snapshot = try await PoolTesting.waitForSnapshot(pool) { miners in
                miners.allSatisfy { $0.modelsSource != "none" }
            }
            #expect(snapshot.map(\.models) == [["llama"], ["qwen"], ["phi"]])
            #expect(snapshot.map(\.modelsSource) == ["discovered", "discovered", "configured"])
            #expect(await pool.models().map(\.model) == ["llama", "phi", "qwen"])
            let reply = try await pool.send(
                PoolTesting.request(model: "qwen"), miners: nil, deadline: PoolTesting.deadline())
            #expect(reply.minerID == "b")
            _ = await PoolTesting.collect(reply)
            #expect(
                await PoolTesting.sendError(pool, PoolTesting.request(model: "gpt-4"))
                    == .modelNotFound(model: "gpt-4", available: ["llama", "phi", "qwen"]))
        }
    }
}
