import Foundation
import TestSupport

/// The Python environment and model files the inference tests compare against (`scripts/python-env` makes them).
enum TestEnvironment {
    struct Missing: Error, CustomStringConvertible {
        let description: String
    }

    /// SmolLM2-135M-Instruct Q4_1: `$EDGE_TEST_SMOLLM2`, else `.venv/models/`.
    static func smolLM2() throws -> URL {
        let path =
            ProcessInfo.processInfo.environment["EDGE_TEST_SMOLLM2"]
            ?? TestData.packageRoot.appendingPathComponent(".venv/models/SmolLM2-135M-Instruct.Q4_1.gguf").path
        guard FileManager.default.fileExists(atPath: path) else {
            throw Missing(description: "no SmolLM2 model at \(path): run scripts/python-env (or set EDGE_TEST_SMOLLM2)")
        }
        return URL(fileURLWithPath: path)
    }

    /// Runs the test Python (see `TestPython`) with `arguments`, feeding `stdin`; its stdout.
    static func runPython(_ arguments: [String], stdin: Data = Data()) async throws -> Data {
        try await TestPython.run(arguments, stdin: stdin)
    }
}
