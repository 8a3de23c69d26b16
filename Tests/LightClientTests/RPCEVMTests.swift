import LightClient
import Testing

/// The client against a real EVM: py-evm's in-memory chain behind Fixtures/evm_rpc_server.py (chain id 1337,
/// three blocks, account 0x22…22 funded with 1 ether at nonce 5).
@Suite struct RPCEVMTests {
    @Test func readsChainIDHeadBalanceAndNonceFromPyEVM() async throws {
        let server = try RPCTestServer.evm.get()
        let config = ChainConfig(
            name: "evm", chainID: 1337,
            endpoints: [RPCEndpoint(url: "http://127.0.0.1:\(server.port)/", name: "py-evm")])
        let client = try await config.connect(http: server.http).client
        let funded = try Address(parsing: "0x" + String(repeating: "22", count: 20))
        let other = try Address(parsing: "0x" + String(repeating: "33", count: 20))
        #expect(try await client.chainID() == 1337)
        #expect(try await client.blockNumber() == 3)
        #expect(try await client.balance(of: funded) == UInt256(1_000_000_000_000_000_000))
        #expect(try await client.balance(of: funded, at: .number(0)) == UInt256(1_000_000_000_000_000_000))
        #expect(try await client.balance(of: other) == .zero)
        #expect(try await client.transactionCount(of: funded) == 5)
    }

    @Test func aWrongExpectedChainIDIsRefused() async throws {
        let server = try RPCTestServer.evm.get()
        let config = ChainConfig(
            name: "evm", chainID: 421_614,
            endpoints: [RPCEndpoint(url: "http://127.0.0.1:\(server.port)/", name: "py-evm")])
        await #expect(
            throws: ChainConnectError.noEndpointLeft(
                chain: "evm", dropped: [.chainIDMismatch(endpoint: "py-evm", expected: 421_614, found: 1337)])
        ) { try await config.connect(http: server.http) }
    }
}
