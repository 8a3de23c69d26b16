import HTTPClient
import JSON
import LightClient
import Testing

/// `JSONRPCClient` against the scripted server: failover, round robin, retries, demotion, bounds.
@Suite struct RPCClientTests {
    let server = RPCTestServer.shared

    @Test func roundRobinSpreadsRequestsOverHealthyEndpoints() async throws {
        let keys = (0..<3).map { _ in RPCTestServer.uniqueKey() }
        let client = server.client(keys.map { server.endpoint("normal", key: $0) })
        for _ in 0..<9 {
            #expect(try await client.blockNumber() == 0x10)
        }
        for key in keys {
            #expect(try await server.count(key) == 3)
        }
    }

    @Test(arguments: ["status500", "status429", "garbage", "wrongid", "badquantity"])
    func failsOverToTheNextEndpoint(behaviour: String) async throws {
        let (bad, good) = (RPCTestServer.uniqueKey(), RPCTestServer.uniqueKey())
        let client = server.client([server.endpoint(behaviour, key: bad), server.endpoint("normal", key: good)])
        #expect(try await client.blockNumber() == 0x10)
        #expect(try await server.count(bad) == 1)
        #expect(try await server.count(good) == 1)
    }

    @Test func aHangingEndpointTimesOutAndFailsOver() async throws {
        let (bad, good) = (RPCTestServer.uniqueKey(), RPCTestServer.uniqueKey())
        let client = server.client(
            [server.endpoint("hang", key: bad, query: "seconds=20"), server.endpoint("normal", key: good)],
            timeout: .seconds(1))
        #expect(try await client.chainID() == 1)
        #expect(try await server.count(good) == 1)
    }

    @Test func aSlowEndpointWithinTheTimeoutAnswers() async throws {
        let key = RPCTestServer.uniqueKey()
        let client = server.client([server.endpoint("slow", key: key, query: "seconds=0.2")], timeout: .seconds(10))
        #expect(try await client.blockNumber() == 0x10)
        #expect(try await server.count(key) == 1)
    }

    @Test func transportErrorsAreRetriedUpToTheAttemptLimit() async throws {
        let key = RPCTestServer.uniqueKey()
        let client = server.client([server.endpoint("status500", key: key)], maxAttempts: 5)
        let clock = ContinuousClock()
        let started = clock.now
        let error = await #expect(throws: JSONRPCError.self) { try await client.blockNumber() }
        // Four backoffs of at most 40 ms each: far below this generous bound.
        #expect(clock.now - started < .seconds(20))
        #expect(try await server.count(key) == 5)
        guard case .allEndpointsFailed(let failures) = error else {
            Issue.record("\(String(describing: error))"); return
        }
        #expect(failures == Array(repeating: .httpStatus(endpoint: "status500/\(key)", status: 500), count: 5))
    }

    @Test func aFlakyEndpointSucceedsOnRetry() async throws {
        let key = RPCTestServer.uniqueKey()
        let client = server.client([server.endpoint("flaky", key: key, query: "fail=2")], maxAttempts: 4)
        #expect(try await client.blockNumber() == 0x10)
        #expect(try await server.count(key) == 3)
    }

    @Test func aClosedPortIsATransportError() async throws {
        let client = server.client([RPCEndpoint(url: "http://127.0.0.1:1/", name: "closed")], maxAttempts: 2)
        let error = await #expect(throws: JSONRPCError.self) { try await client.blockNumber() }
        guard case .allEndpointsFailed(let failures) = error, failures.count == 2,
            case .transport(endpoint: "closed", _) = failures[0]
        else { Issue.record("\(String(describing: error))"); return }
    }

    @Test func anRPCErrorIsAnAnswerAndNeverRetried() async throws {
        let (bad, good) = (RPCTestServer.uniqueKey(), RPCTestServer.uniqueKey())
        let client = server.client([server.endpoint("rpcerror", key: bad), server.endpoint("normal", key: good)])
        await #expect(throws: JSONRPCError.rpc(code: 3, message: "execution reverted", data: nil)) {
            try await client.call(to: .zero, data: [0x12])
        }
        #expect(try await server.count(bad) == 1)
        #expect(try await server.count(good) == 0)
    }

    @Test(arguments: ["garbage", "wrongid"])
    func anInvalidAnswerIsNotRetriedOnTheSameEndpoint(behaviour: String) async throws {
        let key = RPCTestServer.uniqueKey()
        let client = server.client([server.endpoint(behaviour, key: key)], maxAttempts: 4)
        let error = await #expect(throws: JSONRPCError.self) { try await client.blockNumber() }
        guard case .allEndpointsFailed(let failures) = error, failures.count == 1,
            case .invalidResponse(endpoint: "\(behaviour)/\(key)", _) = failures[0]
        else { Issue.record("\(String(describing: error))"); return }
        #expect(try await server.count(key) == 1)
    }

    @Test func anOversizedReplyIsRejected() async throws {
        let key = RPCTestServer.uniqueKey()
        let client = server.client(
            [server.endpoint("huge", key: key, query: "size=200000")], maxResponseBytes: 64 << 10)
        let error = await #expect(throws: JSONRPCError.self) { try await client.request("eth_getCode") }
        #expect(
            error
                == .allEndpointsFailed([
                    .invalidResponse(endpoint: "huge/\(key)", reason: "reply larger than 65536 bytes")
                ]))
    }

    @Test func anEndpointThatKeepsFailingIsDemoted() async throws {
        let (bad, good) = (RPCTestServer.uniqueKey(), RPCTestServer.uniqueKey())
        let client = server.client(
            [server.endpoint("status500", key: bad), server.endpoint("normal", key: good)], demoteAfter: 2)
        for _ in 0..<8 {
            #expect(try await client.blockNumber() == 0x10)
        }
        #expect(try await server.count(bad) == 2)
        #expect(try await server.count(good) == 8)
        #expect(client.healthyEndpoints == ["normal/\(good)"])
    }

    @Test func typedHelpersDecodeTheirResults() async throws {
        let client = server.client([server.endpoint("normal", key: RPCTestServer.uniqueKey(), query: "chain=0x66eee")])
        let address = try Address(parsing: "0x" + String(repeating: "22", count: 20))
        #expect(try await client.chainID() == 421_614)
        #expect(try await client.balance(of: address) == UInt256(1_000_000_000_000_000_000))
        #expect(try await client.transactionCount(of: address, at: .pending) == 7)
        #expect(try await client.call(to: address, data: [0xCA, 0xFE], at: .number(5)) == [0xCA, 0xFE])
        #expect(try await client.sendRawTransaction([0x02, 0x01]) == [UInt8](repeating: 0xAB, count: 32))
        let block = try #require(try await client.block(.latest, fullTransactions: true))
        #expect(block["number"] == "0x10")
        let logs = try await client.logs(LogFilter(fromBlock: .number(1), toBlock: .latest, addresses: [address]))
        #expect(logs.count == 1)
    }

    @Test func parametersAreSentAsJSONRPCSpellsThem() async throws {
        let client = server.client([server.endpoint("normal", key: RPCTestServer.uniqueKey())])
        let filter = LogFilter(fromBlock: .number(0x1F), topics: [nil, [[0xAA]]])
        let echoed = try await client.request("echo", [BlockTag.number(0).json, BlockTag.finalized.json, filter.json])
        #expect(echoed == ["0x0", "finalized", ["fromBlock": "0x1f", "topics": [nil, ["0xaa"]]]])
    }
}
