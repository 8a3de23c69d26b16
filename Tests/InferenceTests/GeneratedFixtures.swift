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
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("inference-fixtures-\(ProcessInfo.processInfo.processIdentifier)")
        do {
            _ = try TestPython.runBlocking(["Tests/InferenceTests/Fixtures/make_gguf_fixtures.py", folder.path])
            return .success(folder)
        } catch {
            return .failure(Failure(description: "\(error) (scripts/python-env installs gguf and numpy)"))
        }
    }
}
