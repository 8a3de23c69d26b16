import Foundation
import TestSupport
import Testing

/// Runs `Fixtures/reference.py` (eth-abi, rlp, pycryptodome) under the package's `.venv` Python, or
/// `$EDGE_TEST_PYTHON`. A missing interpreter or package is a failure with a clear message, not a skip.
enum ReferencePython {
    static var interpreter: URL {
        if let override = ProcessInfo.processInfo.environment["EDGE_TEST_PYTHON"], !override.isEmpty {
            return URL(fileURLWithPath: override)
        }
        return TestData.packageRoot.appendingPathComponent(".venv/bin/python")
    }

    static var script: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/reference.py")
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Sends `request` as JSON and returns the decoded JSON answer.
    static func ask(_ request: [String: Any]) throws -> [String: Any] {
        guard FileManager.default.isExecutableFile(atPath: interpreter.path) else {
            throw Failure(
                description: "no Python at \(interpreter.path): create it with `python3 -m venv .venv && "
                    + ".venv/bin/pip install -r Tests/acceptance/requirements.txt` or set EDGE_TEST_PYTHON")
        }
        let process = Process()
        process.executableURL = interpreter
        process.arguments = [script.path]
        let input = Pipe()
        let output = Pipe()
        let errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let body = try JSONSerialization.data(withJSONObject: request)
        // Write and read concurrently so neither pipe can fill up and stall the other side.
        let writer = Thread {
            input.fileHandleForWriting.write(body)
            try? input.fileHandleForWriting.close()
        }
        writer.start()
        let answer = output.fileHandleForReading.readDataToEndOfFile()
        let diagnostics = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(
                description: "reference.py exited \(process.terminationStatus): "
                    + String(decoding: diagnostics.suffix(2000), as: UTF8.self))
        }
        guard let object = try JSONSerialization.jsonObject(with: answer) as? [String: Any] else {
            throw Failure(description: "reference.py answered something that is not a JSON object")
        }
        return object
    }
}
