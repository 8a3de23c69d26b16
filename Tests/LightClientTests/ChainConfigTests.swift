import LightClient
import Testing

/// `ChainConfig.connect`: every endpoint's `eth_chainId` is checked against the configuration.
@Suite struct ChainConfigTests {
    let server = RPCTestServer.shared

    @Test func anEndpointOfAnotherChainIsDropped() async throws {
        let (honest, liar) = (RPCTestServer.uniqueKey(), RPCTestServer.uniqueKey())
        let config = ChainConfig(
            name: "service", chainID: 18_964_747_554,
            endpoints: [
                server.endpoint("normal", key: liar, query: "chain=0x66eee"),
                server.endpoint("normal", key: honest, query: "chain=0x46a631522"),
            ])
        let connected = try await config.connect(http: server.http)
        #expect(connected.client.endpoints.map(\.name) == ["normal/\(honest)"])
        #expect(
            connected.dropped == [
                .chainIDMismatch(endpoint: "normal/\(liar)", expected: 18_964_747_554, found: 421_614)
            ]
        )
        #expect(try await connected.client.chainID() == 18_964_747_554)
    }

    @Test func noEndpointLeftFails() async throws {
        let (liar, broken) = (RPCTestServer.uniqueKey(), RPCTestServer.uniqueKey())
        let config = ChainConfig(
            name: "registration", chainID: 1,
            endpoints: [
                server.endpoint("normal", key: liar, query: "chain=0x2"), server.endpoint("garbage", key: broken),
            ]
        )
        let error = await #expect(throws: ChainConnectError.self) { try await config.connect(http: server.http) }
        guard case .noEndpointLeft(chain: "registration", let dropped) = error, dropped.count == 2,
            dropped[0] == .chainIDMismatch(endpoint: "normal/\(liar)", expected: 1, found: 2),
            case .unreachable(endpoint: "garbage/\(broken)", .invalidResponse) = dropped[1]
        else { Issue.record("\(String(describing: error))"); return }
    }
}
