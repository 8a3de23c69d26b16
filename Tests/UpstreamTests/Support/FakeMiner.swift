import Foundation
import Glibc
import Synchronization
import Upstream

/// A running `Fixtures/fake_miner.py` process on a free loopback port, with its control endpoints.
final class FakeMiner: Sendable {
    /// Counters reported by `GET /control/stats`.
    struct Stats {
        var started: Int
        var completed: Int
        var disconnects: Int
        var active: Int
        var lastAuthorization: String?
        var requests: [String: Int]
    }

    /// Base URL, e.g. `http://127.0.0.1:41234`.
    let url: String
    // Safe: `Process` is only touched by `stop()`, which serializes through the mutex.
    private let process: Mutex<Process?>

    private init(url: String, process: Process) {
        self.url = url
        self.process = Mutex(process)
    }

    deinit {
        stop()
    }

    static var scriptPath: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/fake_miner.py").path
    }

    /// Starts a fake miner; `arguments` are its command-line options (e.g. `["--mode", "hang"]`).
    static func start(_ arguments: [String] = []) async throws -> FakeMiner {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", scriptPath, "--port", "0"] + arguments
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let descriptor = output.fileHandleForReading.fileDescriptor
        let line = await withCheckedContinuation { (continuation: CheckedContinuation<String, Never>) in
            Thread {
                // Plain read(2), retried on EINTR: FileHandle.availableData traps when a signal (say SIGCHLD of
                // another test's child) interrupts it.
                var bytes: [UInt8] = []
                var buffer = [UInt8](repeating: 0, count: 256)
                while !bytes.contains(10) {
                    // Sound: read(2) writes at most `count` bytes into the buffer it is lent.
                    let count = unsafe buffer.withUnsafeMutableBytes {
                        unsafe Glibc.read(descriptor, $0.baseAddress, $0.count)
                    }
                    if count < 0 && errno == EINTR { continue }
                    if count <= 0 { break }
                    bytes += buffer[..<count]
                }
                continuation.resume(returning: String(decoding: bytes, as: UTF8.self))
            }.start()
        }
        guard line.hasPrefix("PORT "), let port = Int(line.dropFirst(5).prefix { $0.isNumber }) else {
            process.terminate()
            throw SocketClientError.malformedResponse
        }
        return FakeMiner(url: "http://127.0.0.1:\(port)", process: process)
    }

    /// Stops the process (idempotent).
    func stop() {
        process.withLock { process in
            guard let running = process else { return }
            if running.isRunning {
                // SIGKILL: the child may inherit a mask blocking SIGTERM from the (dispatch) thread that spawned it.
                _ = Glibc.kill(running.processIdentifier, SIGKILL)
                running.waitUntilExit()
            }
            process = nil
        }
    }

    /// Merges `settings` (mode, n, delay_ms, tokens, pace_ms) into the miner's settings.
    func configure(_ settings: [String: Any]) async throws {
        let body = try JSONSerialization.data(withJSONObject: settings)
        _ = try await call("POST", "/control", body: Array(body))
    }

    /// Current counters.
    func stats() async throws -> Stats {
        let bytes = try await call("GET", "/control/stats", body: [])
        let object = try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] ?? [:]
        return Stats(
            started: object["started"] as? Int ?? -1, completed: object["completed"] as? Int ?? -1,
            disconnects: object["disconnects"] as? Int ?? -1, active: object["active"] as? Int ?? -1,
            lastAuthorization: object["last_authorization"] as? String,
            requests: object["requests"] as? [String: Int] ?? [:])
    }

    /// Polls the counters until `condition` holds (up to about ten seconds); returns the last counters.
    func waitForStats(_ condition: (Stats) -> Bool) async throws -> Stats {
        var stats = try await self.stats()
        for _ in 0..<200 where !condition(stats) {
            try await Task.sleep(for: .milliseconds(50))
            stats = try await self.stats()
        }
        return stats
    }

    private func call(_ method: String, _ path: String, body: [UInt8]) async throws -> [UInt8] {
        let request = MinerHTTPRequest(
            method: method, url: url + path, headers: [("Content-Type", "application/json")], body: body,
            connectTimeout: .seconds(5))
        let response = try await SocketMinerTransport().open(request)
        var bytes: [UInt8] = []
        for try await chunk in response.body { bytes += chunk }
        return bytes
    }
}
