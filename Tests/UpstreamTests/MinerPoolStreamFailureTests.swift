import Testing
import Upstream

/// Failures after the first event: no retry, the consumer sees the error.
@Suite(.serialized) struct MinerPoolStreamFailureTests {
    @Test func resetMidStreamEndsTheReplyWithAnError() async throws {
        try await PoolTesting.withMiners([["--mode", "reset_after", "--n", "2"], []]) { miners in
            let pool = PoolTesting.pool(miners)
            let reply = try await pool.send(PoolTesting.request(), miners: nil, deadline: PoolTesting.deadline())
            #expect(reply.minerID == "a")
            let (events, error) = await PoolTesting.collect(reply)
            #expect(events == [.text("w0 "), .text("w1 ")])
            let upstreamError = try #require(error as? UpstreamError)
            guard case .streamInterrupted(miner: "a", reason: .connectionLost) = upstreamError else {
                Issue.record("unexpected error \(upstreamError)")
                return
            }
            let status = try #require(await PoolTesting.status(pool, "a"))
            #expect(status.consecutiveFailures == 1)
            #expect(status.errorRate > 0)
            #expect(status.inFlight == 0)
            // No retry after bytes were relayed.
            let untouched = try await miners[1].stats()
            #expect(untouched.started == 0)
        }
    }

    @Test(arguments: [
        ("garbage_after", UpstreamFailure.invalidResponse("invalid JSON: unexpected byte at offset 1")),
        ("truncate_after", .connectionLost("stream ended before finish")),
    ])
    func brokenStreamEndsTheReplyWithAnError(mode: String, failure: UpstreamFailure) async throws {
        try await PoolTesting.withMiners([["--mode", mode, "--n", "2"]]) { miners in
            let pool = PoolTesting.pool(miners)
            let reply = try await pool.send(
                PoolTesting.request(.completions), miners: nil, deadline: PoolTesting.deadline())
            let (events, error) = await PoolTesting.collect(reply)
            #expect(events == [.text("w0 "), .text("w1 ")])
            #expect(error as? UpstreamError == .streamInterrupted(miner: "a", reason: failure))
            #expect(await PoolTesting.status(pool, "a")?.lastError == failure.summary)
        }
    }

    @Test func deadlineMidStreamEndsTheReplyAndClosesTheConnection() async throws {
        try await PoolTesting.withMiners([["--mode", "hang_after", "--n", "2"]]) { miners in
            let pool = PoolTesting.pool(miners)
            let reply = try await pool.send(
                PoolTesting.request(), miners: nil, deadline: PoolTesting.deadline(.milliseconds(1500)))
            let (events, error) = await PoolTesting.collect(reply)
            #expect(events == [.text("w0 "), .text("w1 ")])
            #expect(error as? UpstreamError == .deadlineExceeded(miner: "a", attempts: []))
            let stats = try await miners[0].waitForStats { $0.disconnects == 1 }
            #expect(stats.disconnects == 1)
            let status = try #require(await PoolTesting.status(pool, "a"))
            #expect(status.consecutiveFailures == 0)
            #expect(status.inFlight == 0)
        }
    }

    @Test func stallAfterTheFirstTokenEndsAtTheInterTokenTimeoutAndCountsAgainstTheMiner() async throws {
        try await PoolTesting.withMiners([["--mode", "hang_after", "--n", "2"]]) { miners in
            var settings = PoolTesting.settings(firstTokenTimeout: .seconds(10))
            settings.interTokenTimeout = .seconds(1)
            let pool = PoolTesting.pool(miners, settings: settings)
            let started = ContinuousClock.now
            // The first-token timeout (10 s) and the deadline (20 s) are far: only the inter-token timeout ends the
            // stall this soon.
            let reply = try await pool.send(PoolTesting.request(), miners: nil, deadline: PoolTesting.deadline())
            let (events, error) = await PoolTesting.collect(reply)
            #expect(ContinuousClock.now - started < .seconds(3))
            #expect(events == [.text("w0 "), .text("w1 ")])
            #expect(error as? UpstreamError == .streamInterrupted(miner: "a", reason: .interTokenTimeout))
            let stats = try await miners[0].waitForStats { $0.disconnects == 1 }
            #expect(stats.disconnects == 1)
            let status = try #require(await PoolTesting.status(pool, "a"))
            #expect(status.consecutiveFailures == 1)
            #expect(status.lastError == UpstreamFailure.interTokenTimeout.summary)
        }
    }

    @Test func aShorterInterTokenTimeoutDoesNotCutTheWaitForTheFirstToken() async throws {
        try await PoolTesting.withMiners([["--mode", "hang"]]) { miners in
            var settings = PoolTesting.settings(maxAttempts: 1, firstTokenTimeout: .seconds(2))
            settings.interTokenTimeout = .milliseconds(500)
            let pool = PoolTesting.pool(miners, settings: settings)
            let started = ContinuousClock.now
            let error = await PoolTesting.sendError(pool)
            #expect(ContinuousClock.now - started >= .seconds(2))
            #expect(
                error == .allMinersFailed(attempts: [UpstreamAttemptFailure(minerID: "a", reason: .firstTokenTimeout)]))
        }
    }

    @Test func aSteadyStreamSlowerInTotalThanTheInterTokenTimeoutCompletes() async throws {
        // 30 tokens 100 ms apart: 3 s in all, each gap well under the 1 s timeout.
        try await PoolTesting.withMiners([["--tokens", "30", "--pace-ms", "100"]]) { miners in
            var settings = PoolTesting.settings(firstTokenTimeout: .seconds(1))
            settings.interTokenTimeout = .seconds(1)
            let pool = PoolTesting.pool(miners, settings: settings)
            let reply = try await pool.send(PoolTesting.request(), miners: nil, deadline: PoolTesting.deadline())
            let (events, error) = await PoolTesting.collect(reply)
            #expect(error == nil)
            #expect(events == PoolTesting.expectedEvents(tokens: 30))
        }
    }

    @Test func consumerCancellationClosesTheMinerConnection() async throws {
        try await PoolTesting.withMiners([["--tokens", "100000", "--pace-ms", "5"]]) { miners in
            let pool = PoolTesting.pool(miners)
            let reply = try await pool.send(PoolTesting.request(), miners: nil, deadline: PoolTesting.deadline())
            let consumer = Task {
                var count = 0
                do {
                    for try await _ in reply.events { count += 1 }
                } catch {}
                return count
            }
            _ = try await miners[0].waitForStats { $0.active == 1 }
            consumer.cancel()
            _ = await consumer.value
            let stats = try await miners[0].waitForStats { $0.disconnects == 1 }
            #expect(stats.disconnects == 1)
            #expect(stats.completed == 0)
            let snapshot = try await PoolTesting.waitForSnapshot(pool) { $0[0].inFlight == 0 }
            #expect(snapshot[0].inFlight == 0)
            #expect(snapshot[0].consecutiveFailures == 0)
        }
    }

    @Test func droppingTheReplyClosesTheMinerConnection() async throws {
        try await PoolTesting.withMiners([["--tokens", "100000", "--pace-ms", "5"]]) { miners in
            let pool = PoolTesting.pool(miners)
            do {
                let reply = try await pool.send(PoolTesting.request(), miners: nil, deadline: PoolTesting.deadline())
                #expect(reply.minerID == "a")
            }
            let stats = try await miners[0].waitForStats { $0.disconnects == 1 }
            #expect(stats.disconnects == 1)
        }
    }
}
