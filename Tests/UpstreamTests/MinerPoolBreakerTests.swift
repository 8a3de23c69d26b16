import Testing
import Upstream

/// Circuit breakers and health probes, driven by real miners and short durations.
@Suite(.serialized) struct MinerPoolBreakerTests {
    @Test func breakerOpensAfterThresholdAndHalfOpensLater() async throws {
        try await PoolTesting.withMiners([["--mode", "status500"]]) { miners in
            let openDuration = Duration.seconds(3)  // long enough that "still open" holds on a loaded machine
            let pool = PoolTesting.pool(
                miners, settings: PoolTesting.settings(threshold: 2, openDuration: openDuration))
            let failed = UpstreamError.allMinersFailed(attempts: [
                UpstreamAttemptFailure(minerID: "a", reason: .httpStatus(500))
            ])
            #expect(await PoolTesting.sendError(pool) == failed)
            #expect(await PoolTesting.status(pool, "a")?.state == "closed")
            #expect(await PoolTesting.sendError(pool) == failed)
            let openedAt = ContinuousClock.now
            #expect(await PoolTesting.status(pool, "a")?.state == "open")
            #expect(await PoolTesting.status(pool, "a")?.consecutiveFailures == 2)

            // While open the miner is not even tried.
            #expect(await PoolTesting.sendError(pool) == .noHealthyMiner(model: nil))
            #expect(try await miners[0].stats().started == 2)

            // After the open period one probe request goes through; its success closes the breaker.
            try await miners[0].configure(["mode": "normal"])
            try await Task.sleep(until: openedAt + openDuration + .milliseconds(50), clock: .continuous)
            #expect(await PoolTesting.status(pool, "a")?.state == "halfOpen")
            let reply = try await pool.send(PoolTesting.request(), miners: nil, deadline: PoolTesting.deadline())
            #expect(await PoolTesting.collect(reply).events == PoolTesting.expectedEvents())
            let status = try #require(await PoolTesting.status(pool, "a"))
            #expect(status.state == "closed")
            #expect(status.consecutiveFailures == 0)
        }
    }

    @Test func failedProbeReopensAndOnlyOneProbeRunsAtATime() async throws {
        try await PoolTesting.withMiners([["--mode", "status500"], []]) { miners in
            let openDuration = Duration.seconds(3)  // long enough that "still open" holds on a loaded machine
            let pool = PoolTesting.pool(
                miners,
                settings: PoolTesting.settings(firstTokenTimeout: .seconds(1), threshold: 1, openDuration: openDuration)
            )
            #expect(await PoolTesting.sendError(pool, miners: ["a"]) != nil)
            #expect(await PoolTesting.status(pool, "a")?.state == "open")
            try await Task.sleep(for: openDuration + .milliseconds(50))

            // The probe hangs: while it is out, a second request skips the half-open miner.
            try await miners[0].configure(["mode": "hang"])
            let probe = Task { await PoolTesting.sendError(pool, miners: ["a"]) }
            _ = try await miners[0].waitForStats { $0.active == 1 }
            let other = try await pool.send(PoolTesting.request(), miners: nil, deadline: PoolTesting.deadline())
            #expect(other.minerID == "b")
            _ = await PoolTesting.collect(other)

            // The hung probe times out: the breaker opens again.
            #expect(
                await probe.value
                    == .allMinersFailed(attempts: [UpstreamAttemptFailure(minerID: "a", reason: .firstTokenTimeout)]))
            let status = try #require(await PoolTesting.status(pool, "a"))
            #expect(status.state == "open")
            #expect(status.consecutiveFailures == 2)
        }
    }

    @Test func healthProbesCloseAHalfOpenBreaker() async throws {
        try await PoolTesting.withMiners([["--mode", "status500"]]) { miners in
            let pool = PoolTesting.pool(
                miners,
                settings: PoolTesting.settings(
                    threshold: 1, openDuration: .seconds(2), probeInterval: .milliseconds(100)))
            _ = await PoolTesting.sendError(pool)
            #expect(await PoolTesting.status(pool, "a")?.state == "open")
            // /v1/models still answers in status500 mode, so the half-open probe succeeds without user traffic.
            await pool.startHealthProbes()
            let snapshot = try await PoolTesting.waitForSnapshot(pool) { $0[0].state == "closed" }
            await pool.stopHealthProbes()
            #expect(snapshot[0].state == "closed")
            #expect(snapshot[0].consecutiveFailures == 0)
            let stats = try await miners[0].stats()
            #expect(stats.requests["/v1/models", default: 0] >= 1)
            #expect(stats.started == 1)
        }
    }

    @Test func failingHealthProbesOpenTheBreaker() async throws {
        try await PoolTesting.withMiners([["--mode", "models_down"], []]) { miners in
            let pool = PoolTesting.pool(
                miners, settings: PoolTesting.settings(threshold: 2, probeInterval: .milliseconds(100)))
            await pool.startHealthProbes()
            let snapshot = try await PoolTesting.waitForSnapshot(pool) { $0[0].state == "open" }
            await pool.stopHealthProbes()
            #expect(snapshot[0].state == "open")
            #expect(snapshot[0].lastError == UpstreamFailure.httpStatus(503).summary)
            #expect(snapshot[1].state == "closed")
            // Requests now go to the healthy miner first.
            let reply = try await pool.send(PoolTesting.request(), miners: nil, deadline: PoolTesting.deadline())
            #expect(reply.minerID == "b")
            _ = await PoolTesting.collect(reply)
        }
    }

    @Test func hangingHealthProbesTimeOut() async throws {
        try await PoolTesting.withMiners([["--mode", "models_hang"]]) { miners in
            var settings = PoolTesting.settings(threshold: 1, probeInterval: .milliseconds(100))
            settings.connectTimeout = .milliseconds(300)  // a probe may take twice the connect timeout
            let pool = PoolTesting.pool(miners, settings: settings)
            await pool.startHealthProbes()
            let snapshot = try await PoolTesting.waitForSnapshot(pool) { $0[0].state == "open" }
            await pool.stopHealthProbes()
            #expect(snapshot[0].state == "open")
            #expect(snapshot[0].lastError == UpstreamFailure.probeTimeout.summary)
            let stats = try await miners[0].waitForStats { $0.disconnects >= 1 }
            #expect(stats.disconnects >= 1)
        }
    }
}
