import Foundation
import TestSupport

/// The GGUF files and float32 references written by `Fixtures/make_gguf_fixtures.py` (PyPI `gguf`), generated once
/// per test run into a temporary folder.
enum GeneratedFixtures {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// The folder holding the generated files, or why it could not be made (the tests that need it then fail).
    static let folder: Result<URL, Failure> = generate()

    /// `folder`, throwing the generation failure.
    static func url(_ name: String) throws -> URL {
        try folder.get().appendingPathComponent(name)
    }

    /// A little-endian float32 reference file.
    static func floats(_ name: String) throws -> [Float] {
        let data = try Data(contentsOf: url(name))
        return stride(from: 0, to: data.count, by: 4).map { offset in
            Float(
                bitPattern: data[offset..<offset + 4].enumerated().reduce(UInt32(0)) { $0 | UInt32($1.1) << (8 * $1.0) }
            )
        }
    }

    private static func generate() -> Result<URL, Failure> {
        let root = TestData.packageRoot
        let python =
            ProcessInfo.processInfo.environment["EDGE_TEST_PYTHON"].flatMap { $0.isEmpty ? nil : $0 }
            ?? root.appendingPathComponent(".venv/bin/python").path
        guard FileManager.default.isExecutableFile(atPath: python) else {
            return .failure(
                Failure(
                    description: "no Python at \(python): run `python3 -m venv .venv && .venv/bin/pip install "
                        + "gguf==0.19.0 numpy==2.4.6` in the package root, or set EDGE_TEST_PYTHON"))
        }
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("inference-fixtures-\(ProcessInfo.processInfo.processIdentifier)")
        let script = root.appendingPathComponent("Tests/InferenceTests/Fixtures/make_gguf_fixtures.py")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [script.path, folder.path]
        let errors = Pipe()
        process.standardError = errors
        do {
            try process.run()
        } catch {
            return .failure(Failure(description: "could not start \(python): \(error)"))
        }
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            return .failure(
                Failure(
                    description: "\(script.lastPathComponent) failed (is gguf==0.19.0 installed for \(python)?): "
                        + message))
        }
        return .success(folder)
    }
}
