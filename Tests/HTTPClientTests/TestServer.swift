import Foundation
import HTTPClient
import TestSupport
import Testing

/// The Python fixture server (Fixtures/test_server.py) on a free loopback port, started once per test process.
/// It exits when its stdin closes, i.e. when the test process ends.
final class TestServer: Sendable {
    /// The shared instance; tests run in parallel against it and keep apart through unique `id`s.
    static let shared: TestServer = {
        do {
            return try TestServer()
        } catch {
            fatalError("cannot start the fixture server: \(error)")
        }
    }()

    /// The port the server listens on.
    let port: Int
    /// A loopback port that was free when the server started (nothing listens there).
    let closedPort: Int
    private let fixture: FixtureProcess

    private init() throws {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/test_server.py")
        fixture = try FixtureProcess(executable: "/usr/bin/env", arguments: ["python3", script.path])
        let ports = fixture.numbers
        guard ports.count == 2 else { throw CocoaError(.fileReadCorruptFile) }
        self.port = ports[0]
        self.closedPort = ports[1]
    }

    /// An absolute URL for `path` (with query) on this server.
    func url(_ path: String) -> String {
        "http://127.0.0.1:\(port)\(path)"
    }

    /// What the server recorded for `id`: "sent", "received", "disconnected", "done".
    func stats(_ id: String, client: HTTPClient) async throws -> [String: Any] {
        let (_, body) = try await client.execute(HTTPClientRequest(url: url("/stats?id=\(id)")))
        return try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] ?? [:]
    }

    /// Polls the stats for `id` until `condition` holds; gives up after about ten seconds.
    func waitFor(_ id: String, client: HTTPClient, _ condition: ([String: Any]) -> Bool) async throws -> Bool {
        for _ in 0..<200 {
            if condition(try await stats(id, client: client)) { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return false
    }

    /// A fresh id for server-side records.
    static func uniqueID() -> String {
        UUID().uuidString
    }
}

extension [String: Any] {
    /// A boolean field of a stats record.
    func flag(_ key: String) -> Bool { self[key] as? Bool ?? false }
    /// An integer field of a stats record.
    func count(_ key: String) -> Int { self[key] as? Int ?? 0 }
}

/// Decodes the JSON body of /echo.
func decodeEcho(_ body: [UInt8]) throws -> [String: Any] {
    try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] ?? [:]
}
