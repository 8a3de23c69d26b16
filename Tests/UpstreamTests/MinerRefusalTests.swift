import Log
import Testing

@testable import Gateway
@testable import Upstream

/// A miner's 4xx refusal is the client's error: relayed, not retried, never charged to the miner.
@Suite struct MinerRefusalTests {
    typealias Response = ScriptedTransport.Response

    static let json: [(name: String, value: String)] = [("Content-Type", "application/json")]

    func pool(_ transport: ScriptedTransport, threshold: Int = 1) -> MinerPool {
        MinerPool(
            miners: [MinerConfig(id: "a", url: "http://a"), MinerConfig(id: "b", url: "http://b")],
            transport: transport, settings: PoolTesting.settings(threshold: threshold), logger: Logger(label: "test"))
    }

    @Test func aRefusalIsRelayedAndNeitherRetriedNorCounted() async throws {
        let body = #"{"error":{"message":"prompt exceeds the context size","type":"exceed_context_size_error"}}"#
        let transport = ScriptedTransport([
            ("http://a", Response(status: 400, headers: Self.json, chunks: [body])),
            ("http://b", Response(status: 400, headers: Self.json, chunks: [body])),
        ])
        let pool = pool(transport)
        for _ in 0..<5 {
            let error = try #require(await PoolTesting.sendError(pool))
            guard case .requestRefused(_, let refusal) = error else {
                Issue.record("expected a refusal, got \(error)")
                return
            }
            #expect(refusal.status == 400)
            #expect(refusal.code == "context_length_exceeded")
            #expect(refusal.message == "prompt exceeds the context size")
            #expect(error.apiError.status == 400)
            #expect(error.apiError.message.hasSuffix("prompt exceeds the context size"))
        }
        // One miner asked per request, and no breaker moved although the threshold is 1.
        #expect(transport.requests.count == 5)
        for status in await pool.snapshot() {
            #expect(status.state == "closed")
            #expect(status.consecutiveFailures == 0)
        }
    }

    @Test(arguments: [401, 403, 404, 405, 408, 500, 503])
    func statusesThatBlameTheMinerStillFailItOver(status: Int) async throws {
        let transport = ScriptedTransport([
            ("http://a", Response(status: status, headers: Self.json, chunks: [#"{"error":{"message":"x"}}"#])),
            ("http://b", Response(status: status, headers: Self.json, chunks: [#"{"error":{"message":"x"}}"#])),
        ])
        let error = await PoolTesting.sendError(pool(transport, threshold: 3))
        #expect(
            error
                == .allMinersFailed(attempts: [
                    UpstreamAttemptFailure(minerID: "a", reason: .httpStatus(status)),
                    UpstreamAttemptFailure(minerID: "b", reason: .httpStatus(status)),
                ]))
    }

    @Test func busyMinersRetryAfterIsRelayed() async throws {
        let transport = ScriptedTransport([
            ("http://a", Response(status: 429, headers: [("Retry-After", "7")], chunks: [])),
            ("http://b", Response(status: 429, headers: [("Retry-After", "11")], chunks: [])),
        ])
        let error = try #require(await PoolTesting.sendError(pool(transport)))
        let api = error.apiError
        #expect(api.code == "miners_busy")
        #expect(api.headers.first { $0.name == "Retry-After" }?.value == "7")
    }

    @Test(
        arguments: [
            ("7", 7), (" 12 ", 12), ("0", 0), ("999999999", 86_400), ("Wed, 21 Oct 2015 07:28:00 GMT", nil),
            ("-1", nil),
            ("", nil),
        ] as [(String, Int?)])
    func retryAfterSeconds(header: String, expected: Int?) {
        #expect(MinerRefusal.retryAfterSeconds(header) == expected)
    }

    @Test func refusalBodiesOfEveryShapeGiveAMessage() {
        let plain = MinerRefusal.parse(status: 422, body: Array("bad \u{1B}[31mthing\n".utf8))
        #expect(plain.message == "bad [31mthing")
        #expect(plain.code == "upstream_rejected")
        let openAI = MinerRefusal.parse(
            status: 400,
            body: Array(#"{"error":{"message":"m","code":"invalid_value","param":"temperature"}}"#.utf8))
        #expect(openAI.code == "invalid_value")
        #expect(openAI.param == "temperature")
        let empty = MinerRefusal.parse(status: 413, body: [])
        #expect(empty.message == "the miner refused the request (HTTP 413)")
        let huge = MinerRefusal.parse(status: 400, body: Array(String(repeating: "x", count: 5000).utf8))
        #expect(huge.message.count == MinerRefusal.maxMessageCharacters)
        let oddCode = MinerRefusal.parse(status: 400, body: Array(#"{"error":{"message":"m","code":400}}"#.utf8))
        #expect(oddCode.code == "upstream_rejected")
    }
}
