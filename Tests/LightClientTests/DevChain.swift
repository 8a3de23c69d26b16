import Foundation
import HTTPClient
import JSON
import LightClient
import System
import Testing

/// A private py-evm chain of the EVM fixture server (Fixtures/evm_devchain.py): nothing is mined unless the test
/// asks, reorgs on demand, four funded keys, an emitter of `Ping(address indexed, uint256)` and a reverter.
struct DevChain {
    static let emitter = try! Address(parsing: "0x" + String(repeating: "00", count: 19) + "e1")
    static let reverter = try! Address(parsing: "0x" + String(repeating: "00", count: 19) + "e2")
    static let ping = try! ABIFunction(signature: "ping(uint256)")
    static let fail = try! ABIFunction(signature: "fail(uint256)")
    static let pingEvent = try! ABIEvent(signature: "Ping(address indexed sender, uint256 value)")

    let server: RPCTestServer
    let key: String

    /// A new chain of its own.
    init() throws {
        server = try RPCTestServer.evm.get()
        key = UUID().uuidString
    }

    /// The endpoint of this chain; with `maxLogs`, eth_getLogs refuses results with more logs (code -32005).
    func endpoint(maxLogs: Int? = nil) -> RPCEndpoint {
        let suffix = maxLogs.map { "/maxlogs/\($0)" } ?? ""
        return RPCEndpoint(url: "http://127.0.0.1:\(server.port)/chain/\(key)\(suffix)", name: "devchain")
    }

    /// A client of this chain.
    func client(maxLogs: Int? = nil) -> JSONRPCClient {
        server.client([endpoint(maxLogs: maxLogs)], timeout: .seconds(30), maxAttempts: 2)
    }

    /// Funded dev key number `index` (0...3).
    static func devKey(_ index: Int) -> PrivateKey {
        try! PrivateKey(bytes: UInt256(0x1001 + UInt64(index)).bigEndianBytes)
    }

    /// Mines `count` blocks (with the pool's includable transactions); the new head.
    @discardableResult
    func mine(_ count: UInt64 = 1) async throws -> UInt64 {
        try await client().request("test_mine", [.string(UInt256(count).hexString)], decode: RPCQuantity.uint64)
    }

    /// Makes a branch of `count` empty blocks on block `number` canonical; the new head.
    @discardableResult
    func reorg(onto number: UInt64, blocks count: UInt64) async throws -> UInt64 {
        try await client().request(
            "test_reorg", [.string(UInt256(number).hexString), .string(UInt256(count).hexString)],
            decode: RPCQuantity.uint64)
    }

    /// Transactions waiting in the pool.
    func poolSize() async throws -> UInt64 {
        try await client().request("test_poolSize", decode: RPCQuantity.uint64)
    }

    /// A sender for dev key `index` with quick polls.
    func sender(
        _ index: Int = 0, nonces: NonceManager? = nil, fees: FeePolicy = FeePolicy()
    ) -> TransactionSender {
        let client = client()
        return TransactionSender(
            key: Self.devKey(index), chainID: 1337, client: client, nonces: nonces ?? NonceManager(client: client),
            policy: .init(fees: fees, receiptPollInterval: .milliseconds(20)))
    }

    /// Sends `ping(value)` from dev key `index` and mines it in a block of its own; the receipt.
    @discardableResult
    func ping(_ value: UInt64, from sender: TransactionSender) async throws -> TransactionReceipt {
        let pending = try await sender.send(
            TransactionRequest(to: Self.emitter, data: try Self.ping.encodeCall([.uint(UInt256(value))])))
        try await mine()
        return try await sender.waitForReceipt(of: pending, timeout: .seconds(30))
    }
}

/// Waits until `condition` holds, polling; fails after `timeout` (generous: only a hang reaches it).
func eventually(
    timeout: Duration = .seconds(60), _ what: String, _ condition: () async throws -> Bool
) async throws {
    let deadline = ContinuousClock.now + timeout
    while try await !condition() {
        guard ContinuousClock.now < deadline else {
            Issue.record("timed out waiting for \(what)")
            throw CancellationError()
        }
        try await Task.sleep(for: .milliseconds(20))
    }
}
