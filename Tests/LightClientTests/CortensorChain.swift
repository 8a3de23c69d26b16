import Foundation
import HTTPClient
import JSON
import LightClient
import System
import TestSupport

/// py-evm with the Cortensor test contracts (Tests/Contracts) deployed: Fixtures/evm_rpc_server.py --cortensor,
/// started once per test process. Session 0 exists with the test "miner" as its dedicated node.
final class CortensorChain: Sendable {
    static let shared: Result<CortensorChain, any Error> = Result { try CortensorChain() }

    /// Contract addresses and the test accounts' keys, as the fixture reports them (cortensor_testSetup).
    struct Setup: Sendable {
        let session: Address
        let queue: Address
        let nodePool: Address
        let keys: [String: PrivateKey]
    }

    /// The server's JSON-RPC URL.
    let url: String
    /// A client for the chain (chain id 1337).
    let client: JSONRPCClient
    private let fixture: FixtureProcess

    private init() throws {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/evm_rpc_server.py")
        fixture = try FixtureProcess(
            executable: try TestPython.interpreter().path, arguments: [script.path, "--cortensor"])
        guard let port = fixture.numbers.first else { throw CocoaError(.fileReadCorruptFile) }
        url = "http://127.0.0.1:\(port)/"
        client = JSONRPCClient(endpoints: [RPCEndpoint(url: url, name: "py-evm")], http: try HTTPClient())
    }

    /// Addresses and keys of the deployment.
    func setup() async throws -> Setup {
        let answer = try await client.request("cortensor_testSetup")
        func address(_ key: String) throws -> Address { try Address(parsing: answer[key]?.stringValue ?? "") }
        var keys: [String: PrivateKey] = [:]
        for (name, value) in answer["keys"]?.objectValue ?? JSONObject() {
            keys[name] = try PrivateKey(bytes: Hex.decode(value.stringValue ?? "") ?? [])
        }
        return Setup(
            session: try address("session"), queue: try address("queue"), nodePool: try address("nodePool"), keys: keys)
    }

    /// A sender for test account `name`, paying twice the current gas price.
    func sender(_ name: String, _ setup: Setup) async throws -> DirectTransactionSender {
        let gasPrice = try await client.request("eth_gasPrice", decode: RPCQuantity.uint256)
        guard let key = setup.keys[name] else { throw ChainFixtureError(message: "no test key \(name)") }
        return DirectTransactionSender(
            key: key, chainID: 1337, client: client, gasLimit: 3_000_000,
            fees: .init(maxFeePerGas: gasPrice * 2, maxPriorityFeePerGas: UInt256(1_000_000_000)))
    }

    /// Acks and commits `result` for a task as test account `miner`, from Fixtures/cortensor_miner.py (eth-account).
    func mine(
        _ setup: Setup, miner: String, sessionID: Int, taskID: Int, result: String, precommit: Bool
    ) async throws -> [String] {
        let request: [String: Any] = [
            "rpc": url, "queue": setup.queue.checksummed, "key": Hex.encode(setup.keys[miner]?.secretBytes ?? []),
            "sessionId": sessionID, "taskId": taskID, "result": result, "precommit": precommit,
        ]
        let answer = try await TestPython.ask("Tests/LightClientTests/Fixtures/cortensor_miner.py", request)
        return answer["transactions"] as? [String] ?? []
    }
}

/// A fixture that did not answer as expected.
struct ChainFixtureError: Error {
    let message: String
}
