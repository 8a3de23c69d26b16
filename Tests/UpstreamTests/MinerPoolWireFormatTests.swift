import Log
import Testing
import Upstream

/// Wire-format edge cases through the whole pool, over an in-memory transport.
@Suite struct MinerPoolWireFormatTests {
    typealias Response = ScriptedTransport.Response

    func pool(_ transport: ScriptedTransport, miners: [MinerConfig]) -> MinerPool {
        MinerPool(miners: miners, transport: transport, settings: PoolTesting.settings(), logger: Logger(label: "test"))
    }

    let chunk = #"{"choices":[{"text":"hi","finish_reason":null}]}"#
    let finish = #"{"choices":[{"text":"","finish_reason":"stop"}]}"#

    @Test func aReplyNobodyReadsIsCutAtItsBufferLimit() async throws {
        // A miner that sends far more events than the reply may buffer while its consumer takes none.
        let many = String(repeating: "data: \(chunk)\n\n", count: 9000) + "data: \(finish)\n\ndata: [DONE]\n\n"
        let transport = ScriptedTransport([("http://a", Response(chunks: [many]))])
        let pool = pool(transport, miners: [MinerConfig(id: "a", url: "http://a:1")])
        let reply = try await pool.send(PoolTesting.request(), miners: nil, deadline: PoolTesting.deadline())
        // The consumer reads nothing until the relay has ended the attempt (overflow, or the whole reply).
        for _ in 0..<1000 where await pool.snapshot()[0].inFlight > 0 { try await Task.sleep(for: .milliseconds(10)) }
        let (events, error) = await PoolTesting.collect(reply)
        #expect(error != nil)
        #expect(events.count <= 8192)
        #expect(events.last != .finish(reason: "stop"))
    }

    @Test func buildsTheMinerRequest() async throws {
        let transport = ScriptedTransport([("http://a", Response(chunks: ["data: \(chunk)\n\ndata: [DONE]\n\n"]))])
        let pool = pool(transport, miners: [MinerConfig(id: "a", url: "http://a:1//", apiKey: "k1")])
        var request = PoolTesting.request(.completions)
        request.caller = "ce_3f9a"
        let reply = try await pool.send(request, miners: nil, deadline: PoolTesting.deadline())
        #expect(await PoolTesting.collect(reply).events == [.text("hi")])
        let sent = try #require(transport.requests.first)
        // The caller reaches the transport (the local model shares its queue by it), not the miner's headers.
        #expect(sent.caller == "ce_3f9a")
        #expect(sent.method == "POST")
        #expect(sent.url == "http://a:1/v1/completions")
        #expect(sent.body == request.body)
        #expect(sent.connectTimeout == .seconds(2))
        #expect(
            sent.headers.map { "\($0.name): \($0.value)" } == [
                "Content-Type: application/json", "Accept: text/event-stream", "Authorization: Bearer k1",
            ])
    }

    @Test func anEmptyStreamCountsAsAFailureAndMovesOn() async throws {
        let transport = ScriptedTransport([
            ("http://a", Response(chunks: [": ping\n\n", "data: [DONE]\n\n"])),
            ("http://b", Response(chunks: ["data: \(chunk)\n\n", "data: \(finish)\n\n"])),
        ])
        let pool = pool(
            transport, miners: [MinerConfig(id: "a", url: "http://a"), MinerConfig(id: "b", url: "http://b")])
        let reply = try await pool.send(PoolTesting.request(), miners: nil, deadline: PoolTesting.deadline())
        #expect(reply.minerID == "b")
        // b ends without [DONE] but after a finish reason: a complete reply.
        let (events, error) = await PoolTesting.collect(reply)
        #expect(events == [.text("hi"), .finish(reason: "stop")])
        #expect(error == nil)
        #expect(await PoolTesting.status(pool, "a")?.lastError == UpstreamFailure.emptyReply.summary)
    }

    @Test func sniffsJSONWithoutContentType() async throws {
        let body =
            #"  {"choices":[{"message":{"content":"ok"},"finish_reason":"stop"}],"usage":{"prompt_tokens":1,"completion_tokens":1}}"#
        let split = body.index(body.startIndex, offsetBy: 20)
        let transport = ScriptedTransport([
            ("http://a", Response(headers: [], chunks: [String(body[..<split]), String(body[split...])]))
        ])
        let pool = pool(transport, miners: [MinerConfig(id: "a", url: "http://a")])
        let reply = try await pool.send(
            PoolTesting.request(stream: false), miners: nil, deadline: PoolTesting.deadline())
        #expect(
            await PoolTesting.collect(reply).events == [
                .text("ok"), .finish(reason: "stop"), .usage(prompt: 1, completion: 1),
            ])
    }

    @Test func decodesSSEDeliveredOneByteAtATimeWithCRLF() async throws {
        let stream = "data: \(chunk)\r\n\r\n: comment\r\ndata: \(finish)\r\n\r\ndata: [DONE]\r\n\r\n"
        let transport = ScriptedTransport([
            ("http://a", Response(headers: [], chunks: stream.utf8.map { String(UnicodeScalar($0)) }))
        ])
        let pool = pool(transport, miners: [MinerConfig(id: "a", url: "http://a")])
        let reply = try await pool.send(PoolTesting.request(), miners: nil, deadline: PoolTesting.deadline())
        #expect(await PoolTesting.collect(reply).events == [.text("hi"), .finish(reason: "stop")])
    }

    @Test func errorsCarryNoPromptText() async throws {
        let transport = ScriptedTransport([
            ("http://a", Response(status: 500, chunks: [#"{"error":{"message":"bad"}}"#])),
            ("http://b", Response(chunks: ["data: not json at all\n\n"])),
        ])
        let pool = pool(
            transport, miners: [MinerConfig(id: "a", url: "http://a"), MinerConfig(id: "b", url: "http://b")])
        let secret = "SECRET-PROMPT-TEXT"
        let request = UpstreamRequest(
            endpoint: .chatCompletions, body: Array(#"{"messages":[{"role":"user","content":"\#(secret)"}]}"#.utf8),
            stream: true, model: nil)
        let error = await PoolTesting.sendError(pool, request)
        #expect(
            error
                == .allMinersFailed(attempts: [
                    UpstreamAttemptFailure(minerID: "a", reason: .httpStatus(500)),
                    UpstreamAttemptFailure(
                        minerID: "b", reason: .invalidResponse("invalid JSON: unexpected byte at offset 1")),
                ]))
        #expect(!String(describing: error).contains(secret))
        #expect(!String(describing: await pool.snapshot()).contains(secret))
    }
}
