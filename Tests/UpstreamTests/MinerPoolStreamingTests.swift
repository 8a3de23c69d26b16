import Testing
import Upstream

@Suite(.serialized) struct MinerPoolStreamingTests {
    @Test(arguments: [UpstreamEndpoint.chatCompletions, .completions], [true, false])
    func relaysEventsInOrder(endpoint: UpstreamEndpoint, stream: Bool) async throws {
        try await PoolTesting.withMiners([[]]) { miners in
            let pool = PoolTesting.pool(miners)
            let reply = try await pool.send(
                PoolTesting.request(endpoint, stream: stream), miners: nil, deadline: PoolTesting.deadline())
            #expect(reply.minerID == "a")
            let (events, error) = await PoolTesting.collect(reply)
            #expect(error == nil)
            #expect(events == PoolTesting.expectedEvents(stream: stream))
            let status = try #require(await PoolTesting.status(pool, "a"))
            #expect(status.state == "closed")
            #expect(status.inFlight == 0)
            #expect(status.errorRate == 0)
            #expect(status.ewmaFirstByteMs != nil)
            #expect(status.ewmaTotalMs != nil)
            #expect(status.lastError == nil)
        }
    }

    @Test func sendsTheMinerKeyAsBearerToken() async throws {
        try await PoolTesting.withMiners([["--api-key", "sekrit"], ["--api-key", "other"]]) { miners in
            let pool = PoolTesting.pool(miners) { configs in
                configs[0].apiKey = "sekrit"
                configs[1].apiKey = nil
            }
            let reply = try await pool.send(PoolTesting.request(), miners: ["a"], deadline: PoolTesting.deadline())
            #expect(await PoolTesting.collect(reply).events == PoolTesting.expectedEvents())
            #expect(try await miners[0].stats().lastAuthorization == "Bearer sekrit")
            let error = await PoolTesting.sendError(pool, miners: ["b"])
            #expect(
                error == .allMinersFailed(attempts: [UpstreamAttemptFailure(minerID: "b", reason: .httpStatus(401))]))
            #expect(try await miners[1].stats().lastAuthorization == nil)
        }
    }

    @Test func routesByModelAndAllowedMiners() async throws {
        try await PoolTesting.withMiners([[], []]) { miners in
            let pool = PoolTesting.pool(miners) { configs in
                configs[0].models = ["llama"]
                configs[1].models = ["qwen", "phi"]
            }
            #expect(await pool.models().map(\.model) == ["llama", "phi", "qwen"])
            #expect(await pool.models().map(\.miners) == [["a"], ["b"], ["b"]])
            let reply = try await pool.send(
                PoolTesting.request(model: "qwen"), miners: nil, deadline: PoolTesting.deadline())
            #expect(reply.minerID == "b")
            _ = await PoolTesting.collect(reply)
            #expect(
                await PoolTesting.sendError(pool, PoolTesting.request(model: "qwen"), miners: ["a"])
                    == .modelNotFound(model: "qwen", available: ["llama"]))
            #expect(await PoolTesting.sendError(pool, miners: []) == .noHealthyMiner(model: nil))
            #expect(try await miners[0].stats().started == 0)
        }
    }

    @Test func concurrentRequestsSpreadOverEqualMiners() async throws {
        try await PoolTesting.withMiners([
            ["--tokens", "20", "--pace-ms", "20"], ["--tokens", "20", "--pace-ms", "20"],
        ]) {
            miners in
            let pool = PoolTesting.pool(miners)
            let first = try await pool.send(PoolTesting.request(), miners: nil, deadline: PoolTesting.deadline())
            let second = try await pool.send(PoolTesting.request(), miners: nil, deadline: PoolTesting.deadline())
            #expect(Set([first.minerID, second.minerID]) == ["a", "b"])
            #expect(await pool.snapshot().map(\.inFlight) == [1, 1])
            #expect(await PoolTesting.collect(first).events == PoolTesting.expectedEvents(tokens: 20))
            #expect(await PoolTesting.collect(second).events == PoolTesting.expectedEvents(tokens: 20))
        }
    }

    @Test func aReplyWithoutTextIsStillAReply() async throws {
        // tokens = 0: the miner sends only a finish chunk and usage — a reply without text is still a reply.
        try await PoolTesting.withMiners([["--tokens", "0"]]) { miners in
            let pool = PoolTesting.pool(miners)
            let reply = try await pool.send(
                PoolTesting.request(.completions), miners: nil, deadline: PoolTesting.deadline())
            #expect(await PoolTesting.collect(reply).events == PoolTesting.expectedEvents(tokens: 0))
        }
    }
}
