import Testing
import Upstream

/// Failures before the first event: the pool moves on to the next miner.
@Suite(.serialized) struct MinerPoolFailoverTests {
    @Test func hangingMinerIsAbandonedAfterTheFirstTokenTimeout() async throws {
        try await PoolTesting.withMiners([["--mode", "hang"], []]) { miners in
            let pool = PoolTesting.pool(miners, settings: PoolTesting.settings(firstTokenTimeout: .milliseconds(1500)))
            let reply = try await pool.send(PoolTesting.request(), miners: nil, deadline: PoolTesting.deadline())
            #expect(reply.minerID == "b")
            #expect(await PoolTesting.collect(reply).events == PoolTesting.expectedEvents())
            let hung = try #require(await PoolTesting.status(pool, "a"))
            #expect(hung.lastError == UpstreamFailure.firstTokenTimeout.summary)
            #expect(hung.consecutiveFailures == 1)
            #expect(hung.inFlight == 0)
            // The abandoned request's connection was closed, not leaked.
            #expect(try await miners[0].waitForStats { $0.disconnects == 1 }.disconnects == 1)
        }
    }

    @Test func headersWithoutATokenDoNotCountAsAStart() async throws {
        // slow_first sends headers and an empty role chunk at once, then waits.
        try await PoolTesting.withMiners([["--mode", "slow_first", "--delay-ms", "10000"], []]) { miners in
            let pool = PoolTesting.pool(miners, settings: PoolTesting.settings(firstTokenTimeout: .milliseconds(1500)))
            let reply = try await pool.send(PoolTesting.request(), miners: nil, deadline: PoolTesting.deadline())
            #expect(reply.minerID == "b")
            _ = await PoolTesting.collect(reply)
            #expect(await PoolTesting.status(pool, "a")?.lastError == UpstreamFailure.firstTokenTimeout.summary)
        }
    }

    @Test(arguments: [
        ("status500", UpstreamFailure.httpStatus(500)),
        ("garbage", .invalidResponse("invalid JSON: unexpected byte at offset 1")),
        ("error_event", .minerError("context overflow")),
        ("down", .httpStatus(503)),
    ])
    func failingMinerIsSkipped(mode: String, failure: UpstreamFailure) async throws {
        try await PoolTesting.withMiners([["--mode", mode], []]) { miners in
            let pool = PoolTesting.pool(miners)
            let reply = try await pool.send(PoolTesting.request(), miners: nil, deadline: PoolTesting.deadline())
            #expect(reply.minerID == "b")
            #expect(await PoolTesting.collect(reply).events == PoolTesting.expectedEvents())
            let failed = try #require(await PoolTesting.status(pool, "a"))
            #expect(failed.lastError == failure.summary)
            #expect(failed.errorRate > 0)
            #expect(failed.inFlight == 0)
        }
    }

    @Test func unreachableMinerIsSkipped() async throws {
        try await PoolTesting.withMiners([[], []]) { miners in
            miners[0].stop()  // its port is now closed: connections are refused
            let pool = PoolTesting.pool(miners)
            let reply = try await pool.send(PoolTesting.request(), miners: nil, deadline: PoolTesting.deadline())
            #expect(reply.minerID == "b")
            _ = await PoolTesting.collect(reply)
            #expect(await PoolTesting.status(pool, "a")?.lastError?.hasPrefix("connect failed") == true)
        }
    }

    @Test func everyMinerFailingReportsEachAttempt() async throws {
        try await PoolTesting.withMiners([["--mode", "status500"], ["--mode", "garbage"], ["--mode", "down"]]) {
            miners in
            let pool = PoolTesting.pool(miners)
            let error = await PoolTesting.sendError(pool)
            #expect(
                error
                    == .allMinersFailed(attempts: [
                        UpstreamAttemptFailure(minerID: "a", reason: .httpStatus(500)),
                        UpstreamAttemptFailure(
                            minerID: "b", reason: .invalidResponse("invalid JSON: unexpected byte at offset 1")),
                        UpstreamAttemptFailure(minerID: "c", reason: .httpStatus(503)),
                    ]))
        }
    }

    @Test func attemptsStopAtMaxAttempts() async throws {
        try await PoolTesting.withMiners([["--mode", "status500"], ["--mode", "status500"], []]) { miners in
            let pool = PoolTesting.pool(miners, settings: PoolTesting.settings(maxAttempts: 2))
            let error = await PoolTesting.sendError(pool)
            #expect(
                error
                    == .allMinersFailed(attempts: [
                        UpstreamAttemptFailure(minerID: "a", reason: .httpStatus(500)),
                        UpstreamAttemptFailure(minerID: "b", reason: .httpStatus(500)),
                    ]))
            let untouched = try await miners[2].stats()
            #expect(untouched.started == 0)
        }
    }

    @Test func aFallbackMinerIsTriedLastEvenWhenTheAttemptsAreSpent() async throws {
        try await PoolTesting.withMiners([[], ["--mode", "status500"], ["--mode", "status500"]]) { miners in
            // "a" is the fallback: best score, yet tried only after b and c failed and the 2 attempts are spent.
            let pool = PoolTesting.pool(miners, settings: PoolTesting.settings(maxAttempts: 2)) { configs in
                configs[0].isFallback = true
                configs[0].models = ["local-model"]
            }
            let reply = try await pool.send(
                PoolTesting.request(model: "remote-model"), miners: ["b", "c"], deadline: PoolTesting.deadline())
            #expect(reply.minerID == "a")
            _ = await PoolTesting.collect(reply)
            #expect(try await miners[1].stats().started == 1)
            #expect(try await miners[2].stats().started == 1)
        }
    }

    @Test func aHealthyMinerKeepsTheFallbackIdle() async throws {
        try await PoolTesting.withMiners([[], []]) { miners in
            let pool = PoolTesting.pool(miners) { $0[0].isFallback = true }
            for _ in 0..<3 {
                let reply = try await pool.send(PoolTesting.request(), miners: nil, deadline: PoolTesting.deadline())
                #expect(reply.minerID == "b")
                _ = await PoolTesting.collect(reply)
            }
            #expect(try await miners[0].stats().started == 0)
        }
    }

    @Test func hangingMinersEndAtTheDeadline() async throws {
        try await PoolTesting.withMiners([["--mode", "hang"], ["--mode", "hang"]]) { miners in
            // a times out after 2 s; b then has only the 1 s left before the deadline (less than its timeout).
            let pool = PoolTesting.pool(miners, settings: PoolTesting.settings(firstTokenTimeout: .seconds(2)))
            let error = await PoolTesting.sendError(pool, deadline: PoolTesting.deadline(.seconds(3)))
            #expect(
                error
                    == .deadlineExceeded(
                        miner: "b", attempts: [UpstreamAttemptFailure(minerID: "a", reason: .firstTokenTimeout)]))
            // A deadline is not the miner's fault.
            #expect(await PoolTesting.status(pool, "b")?.consecutiveFailures == 0)
            let stats = try await miners[1].waitForStats { $0.disconnects == 1 }
            #expect(stats.disconnects == 1)
        }
    }

    @Test func callerCancellationAbortsTheMinerRequest() async throws {
        try await PoolTesting.withMiners([["--mode", "hang"]]) { miners in
            let pool = PoolTesting.pool(miners)
            let sender = Task { await PoolTesting.sendError(pool) }
            _ = try await miners[0].waitForStats { $0.active == 1 }
            sender.cancel()
            #expect(await sender.value == .cancelled)
            #expect(try await miners[0].waitForStats { $0.disconnects == 1 }.disconnects == 1)
            let status = try #require(await PoolTesting.status(pool, "a"))
            #expect(status.inFlight == 0)
            #expect(status.consecutiveFailures == 0)
        }
    }
}
