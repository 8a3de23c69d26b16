public import Foundation

/// The Python environment reference implementations run in: `$EDGE_TEST_PYTHON`, else the package's
/// `.venv/bin/python` (`scripts/python-env` makes it). A missing interpreter is a failure saying how to make it,
/// never a skip.
public enum TestPython {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// The interpreter.
    public static func interpreter() throws -> URL {
        let path =
            ProcessInfo.processInfo.environment["EDGE_TEST_PYTHON"].flatMap { $0.isEmpty ? nil : $0 }
            ?? TestData.packageRoot.appendingPathComponent(".venv/bin/python").path
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw Failure(description: "no Python at \(path): run scripts/python-env (or set EDGE_TEST_PYTHON)")
        }
        return URL(fileURLWithPath: path)
    }

    /// Runs the interpreter with `arguments` (paths relative to the package root), feeding `stdin`; its stdout.
    /// The wait happens on a thread of its own: tests run on Swift's small cooperative pool (one thread per core),
    /// and a test blocking it for a slow reference would stall every other test's timers and I/O.
    public static func run(_ arguments: [String], stdin: Data = Data()) async throws -> Data {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try runBlocking(arguments, stdin: stdin) }) }.start()
        }
    }

    /// `run`, blocking the calling thread: for one-time setup in a static initializer only.
    public static func runBlocking(_ arguments: [String], stdin: Data = Data()) throws -> Data {
        let process = Process()
        process.executableURL = try interpreter()
        process.arguments = arguments
        process.currentDirectoryURL = TestData.packageRoot
        let input = Pipe()
        let output = Pipe()
        // stderr goes to a file and stdin is written before stdout is read, from another thread: no pipe can
        // fill up and block either side.
        let errorLog = FileManager.default.temporaryDirectory.appendingPathComponent("python-\(UUID().uuidString).err")
        _ = FileManager.default.createFile(atPath: errorLog.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: errorLog) }
        process.standardInput = input
        process.standardOutput = output
        process.standardError = try FileHandle(forWritingTo: errorLog)
        try process.run()
        let writer = Thread {
            input.fileHandleForWriting.write(stdin)
            try? input.fileHandleForWriting.close()
        }
        writer.start()
        let result = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let message = String(decoding: (try? Data(contentsOf: errorLog))?.suffix(2000) ?? Data(), as: UTF8.self)
            throw Failure(description: "python \(arguments.joined(separator: " ")) failed: \(message)")
        }
        return result
    }

    /// Runs `script` with `request` as JSON on stdin; its JSON object answer.
    public static func ask(_ script: String, _ request: Any) async throws -> [String: Any] {
        let answer = try await run([script], stdin: try JSONSerialization.data(withJSONObject: request))
        guard let object = try JSONSerialization.jsonObject(with: answer) as? [String: Any] else {
            throw Failure(description: "\(script) answered something that is not a JSON object")
        }
        return object
    }
}
