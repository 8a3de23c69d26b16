import JSON
import LightClient
import Testing

/// Batches: one POST, answers matched by id in any order, per-item errors, malformed batch replies.
@Suite struct RPCBatchTests {
    let server = RPCTestServer.shared

    @Test func outOfOrderAnswersAreMatchedByID() async throws {
        let key = RPCTestServer.uniqueKey()
        let client = server.client([server.endpoint("normal", key: key)])
        let outcomes = try await client.batch([
            JSONRPCCall("eth_chainId"), JSONRPCCall("fail"), JSONRPCCall("eth_blockNumber"), JSONRPCCall("echo", [7]),
        ])
        #expect(try await server.count(key) == 1)
        #expect(outcomes.count == 4)
        #expect(try outcomes[0].get() == "0x1")
        #expect(outcomes[1] == .failure(.rpc(code: -32000, message: "item failed", data: "0x01")))
        #expect(try outcomes[2].get() == "0x10")
        #expect(try outcomes[3].get() == [7])
    }

    @Test func anEmptyBatchSendsNothing() async throws {
        let key = RPCTestServer.uniqueKey()
        let client = server.client([server.endpoint("normal", key: key)])
        #expect(try await client.batch([]).isEmpty)
        #expect(try await server.count(key) == 0)
    }

    @Test(arguments: [("batchmissing", "lacks id"), ("batchduplicate", "twice")])
    func aMissingOrRepeatedIDIsInvalid(behaviour: String, reason: String) async throws {
        let (bad, good) = (RPCTestServer.uniqueKey(), RPCTestServer.uniqueKey())
        let lone = server.client([server.endpoint(behaviour, key: bad)])
        let error = await #expect(throws: JSONRPCError.self) {
            try await lone.batch([JSONRPCCall("eth_chainId"), JSONRPCCall("eth_blockNumber")])
        }
        guard case .allEndpointsFailed(let failures) = error, failures.count == 1,
            case .invalidResponse(_, let found) = failures[0], found.contains(reason)
        else { Issue.record("\(String(describing: error))"); return }
        // With a second endpoint the batch fails over and succeeds.
        let client = server.client([server.endpoint(behaviour, key: bad), server.endpoint("normal", key: good)])
        let outcomes = try await client.batch([JSONRPCCall("eth_chainId"), JSONRPCCall("eth_blockNumber")])
        #expect(try outcomes.map { try $0.get() } == ["0x1", "0x10"])
    }
}
