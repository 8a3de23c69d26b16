import Foundation
import HTTPClient
import LightClient
import TestSupport
import Testing

/// A JSON-RPC fixture server on a free loopback port, started once per test process; it exits when its stdin
/// closes, i.e. when the test process ends.
final class RPCTestServer: Sendable {
    /// The scripted server (Fixtures/rpc_server.py, stdlib only); tests keep apart through unique keys.
    static let shared: RPCTestServer = {
        do {
            return try RPCTestServer(script: "rpc_server.py", arguments: ["/usr/bin/env", "python3"])
        } catch {
            fatalError("cannot start the JSON-RPC fixture server: \(error)")
        }
    }()

    /// py-evm behind a JSON-RPC server (Fixtures/evm_rpc_server.py), run by the test Python (see `TestPython`).
    static let evm: Result<RPCTestServer, any Error> = Result {
        try RPCTestServer(script: "evm_rpc_server.py", arguments: [try TestPython.interpreter().path])
    }

    /// py-evm with a contract, storage and logs (`evm_rpc_server.py --activity`), for verified reads.
    static let evmActivity: Result<RPCTestServer, any Error> = Result {
        try RPCTestServer(
            script: "evm_rpc_server.py", arguments: [try TestPython.interpreter().path], scriptArguments: ["--activity"]
        )
    }

    /// The port the server listens on.
    let port: Int
    /// One client for the tests' own calls (counts).
    let http: HTTPClient
    private let fixture: FixtureProcess

    /// Starts `Fixtures/<script>` with the interpreter command `arguments` and reads the port it prints.
    private init(script: String, arguments: [String], scriptArguments: [String] = []) throws {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/\(script)")
        fixture = try FixtureProcess(
            executable: arguments[0], arguments: arguments.dropFirst() + [script.path] + scriptArguments)
        guard let port = fixture.numbers.first else { throw CocoaError(.fileReadCorruptFile) }
        self.port = port
        self.http = try HTTPClient()
    }

    /// An endpoint that behaves as `behaviour` and counts its requests under `key`, named "behaviour/key".
    func endpoint(_ behaviour: String, key: String, query: String = "") -> RPCEndpoint {
        RPCEndpoint(
            url: "http://127.0.0.1:\(port)/\(behaviour)/\(key)\(query.isEmpty ? "" : "?" + query)",
            name: "\(behaviour)/\(key)")
    }

    /// How many POSTs the server received under `key`.
    func count(_ key: String) async throws -> Int {
        let (_, body) = try await http.execute(HTTPClientRequest(url: "http://127.0.0.1:\(port)/count/\(key)"))
        return Int(String(decoding: body, as: UTF8.self)) ?? -1
    }

    /// A fresh key for server-side counts.
    static func uniqueKey() -> String {
        UUID().uuidString
    }

    /// A client over `endpoints` with short, test-friendly limits and a fixed jitter seed.
    func client(
        _ endpoints: [RPCEndpoint], timeout: Duration = .seconds(5), maxAttempts: Int = 4, demoteAfter: Int = 3,
        maxResponseBytes: Int = 1 << 20
    ) -> JSONRPCClient {
        let configuration = JSONRPCClient.Configuration(
            timeout: timeout, maxResponseBytes: maxResponseBytes, maxAttempts: maxAttempts,
            backoff: RetryBackoff(base: .milliseconds(10), cap: .milliseconds(40)), demoteAfter: demoteAfter,
            coolDown: .seconds(600), jitterSeed: 42)
        return JSONRPCClient(endpoints: endpoints, http: http, configuration: configuration)
    }
}
