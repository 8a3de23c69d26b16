import HTTPServer
import Log
import Testing

@testable import Gateway

/// What a miner may send for one request: the budget's arithmetic, and the pool cutting a miner that goes past it.
@Suite struct ReplyBudgetTests {
    static let caps = (tokens: 32_768, bytes: 4 << 20)

    static func budget(_ maxTokens: Int?, tokens: Int = caps.tokens, bytes: Int = caps.bytes) -> ReplyBudget {
        ReplyBudget(maxTokens: maxTokens, maxReplyTokens: tokens, maxReplyBytes: bytes)
    }

    @Test(arguments: [
        // (max_tokens, deltas, text bytes, wire bytes)
        (5 as Int?, 26, 3328, 3328 * 16 + 65_536),
        (1, 18, 2304, 2304 * 16 + 65_536),
        (1000, 2016, 258_048, 258_048 * 16 + 65_536),
        // No max_tokens, or one beyond the cap: the absolute caps.
        (nil, 32_768, 4 << 20, (4 << 20) * 16 + 65_536),
        (Int.max, 32_768, 4 << 20, (4 << 20) * 16 + 65_536),
        (0, 16, 2048, 2048 * 16 + 65_536),
        (-7, 16, 2048, 2048 * 16 + 65_536),
    ])
    func limitsFollowMaxTokensWithHeadroomUnderTheCaps(maxTokens: Int?, deltas: Int, text: Int, wire: Int) {
        let budget = Self.budget(maxTokens)
        #expect(budget.maxDeltas == deltas)
        #expect(budget.maxTextBytes == text)
        #expect(budget.maxWireBytes == wire)
    }

    @Test func configuredCapsBind() {
        let budget = Self.budget(1000, tokens: 100, bytes: 1024)
        #expect(budget.maxDeltas == 100)
        #expect(budget.maxTextBytes == 1024)
    }

    @Test func theLastAllowedDeltaPassesAndTheNextThrows() throws {
        var budget = Self.budget(5)
        // Finish and usage events carry no text and cost nothing.
        try budget.charge([.finish(reason: "stop"), .usage(prompt: 1, completion: 1)])
        for _ in 0..<26 { try budget.charge([.text("a")]) }
        #expect(throws: ReplyBudgetError.tooManyTokens(limit: 26)) { try budget.charge([.text("a")]) }
    }

    @Test func textBytesCountUTF8() throws {
        var budget = Self.budget(5)
        try budget.charge([.text(String(repeating: "ü", count: 1664))])  // 3328 bytes, exactly the limit
        #expect(throws: ReplyBudgetError.tooManyTextBytes(limit: 3328)) { try budget.charge([.text("x")]) }
    }

    @Test func wireBytesAddUpAcrossChunks() throws {
        var budget = Self.budget(5)
        try budget.chargeWire(budget.maxWireBytes - 1)
        try budget.chargeWire(1)
        #expect(throws: ReplyBudgetError.tooManyBytes(limit: budget.maxWireBytes)) { try budget.chargeWire(1) }
    }

    // MARK: Through the pool

    static let token = #"data: {"choices":[{"text":"tok","finish_reason":null}]}"# + "\n\n"

    static func pool(_ body: [String]) -> MinerPool {
        let transport = ScriptedTransport([("http://a", ScriptedTransport.Response(chunks: body))])
        return MinerPool(
            miners: [MinerConfig(id: "a", url: "http://a:1")], transport: transport, settings: PoolTesting.settings(),
            logger: Logger(label: "test"))
    }

    static func request(maxTokens: Int?) -> UpstreamRequest {
        var request = PoolTesting.request(.completions)
        request.maxTokens = maxTokens
        return request
    }

    @Test func aMinerPastItsTokensIsCutMidReplyAndCharged() async throws {
        // max_tokens 2 allows 20 deltas; the miner sends 100, one chunk each.
        let pool = Self.pool(Array(repeating: Self.token, count: 100) + ["data: [DONE]\n\n"])
        let reply = try await pool.send(Self.request(maxTokens: 2), miners: nil, deadline: PoolTesting.deadline())
        let (events, error) = await PoolTesting.collect(reply)
        #expect(events == Array(repeating: .text("tok"), count: 20))
        let failure = UpstreamFailure.replyTooLarge("over 20 tokens")
        #expect(error as? UpstreamError == .streamInterrupted(miner: "a", reason: failure))
        let status = try #require(await PoolTesting.status(pool, "a"))
        #expect(status.consecutiveFailures == 1)
        #expect(status.lastError == failure.summary)
    }

    @Test func aFirstChunkPastTheBudgetFailsTheAttemptBeforeAnyEvent() async throws {
        let huge =
            #"data: {"choices":[{"text":""# + String(repeating: "x", count: 65_536) + #"","finish_reason":null}]}"#
        let pool = Self.pool([huge + "\n\n", "data: [DONE]\n\n"])
        let error = await PoolTesting.sendError(pool, Self.request(maxTokens: 5))
        let failure = UpstreamFailure.replyTooLarge("over 3328 bytes of text")
        #expect(error == .allMinersFailed(attempts: [UpstreamAttemptFailure(minerID: "a", reason: failure)]))
    }

    @Test func aReplyWithinTheBudgetIsUntouched() async throws {
        let finish = #"data: {"choices":[{"text":"","finish_reason":"length"}]}"# + "\n\n"
        let pool = Self.pool(Array(repeating: Self.token, count: 20) + [finish, "data: [DONE]\n\n"])
        let reply = try await pool.send(Self.request(maxTokens: 2), miners: nil, deadline: PoolTesting.deadline())
        let (events, error) = await PoolTesting.collect(reply)
        #expect(error == nil)
        #expect(events.count == 21)
        #expect(try #require(await PoolTesting.status(pool, "a")).consecutiveFailures == 0)
    }
}
