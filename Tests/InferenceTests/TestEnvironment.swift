import Foundation
import TestSupport

/// The Python environment and model files the inference tests compare against (`scripts/python-env` makes them).
enum TestEnvironment {
    struct Missing: Error, CustomStringConvertible {
        let description: String
    }

    struct PythonFailed: Error, CustomStringConvertible {
        let description: String
    }

    /// `$EDGE_TEST_PYTHON`, else the repository's `.venv/bin/python`.
    static func python() throws -> URL {
        let path =
            ProcessInfo.processInfo.environment["EDGE_TEST_PYTHON"]
            ?? TestData.packageRoot.appendingPathComponent(".venv/bin/python").path
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw Missing(description: "no Python at \(path): run scripts/python-env (or set EDGE_TEST_PYTHON)")
        }
        return URL(fileURLWithPath: path)
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

    /// Runs the test Python with `arguments` (paths relative to the package root), feeding `stdin`; its stdout.
    static func runPython(_ arguments: [String], stdin: Data = Data()) throws -> Data {
        let process = Process()
        process.executableURL = try python()
        process.arguments = arguments
        process.currentDirectoryURL = TestData.packageRoot
        let input = Pipe()
        let output = Pipe()
        // stderr goes to a file: only stdout is read while the child runs, so no pipe can fill up and block it.
        let errorLog = FileManager.default.temporaryDirectory.appendingPathComponent("python-\(UUID().uuidString).err")
        _ = FileManager.default.createFile(atPath: errorLog.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: errorLog) }
        process.standardInput = input
        process.standardOutput = output
        process.standardError = try FileHandle(forWritingTo: errorLog)
        try process.run()
        input.fileHandleForWriting.write(stdin)
        try input.fileHandleForWriting.close()
        let result = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let message = String(decoding: (try? Data(contentsOf: errorLog))?.suffix(2000) ?? Data(), as: UTF8.self)
            throw PythonFailed(description: "python \(arguments.joined(separator: " ")) failed: \(message)")
        }
        return result
    }
}
