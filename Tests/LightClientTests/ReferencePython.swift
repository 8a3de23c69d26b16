import Foundation
import TestSupport
import Testing

/// Runs `Fixtures/reference.py` (eth-abi, rlp, pycryptodome) under the test Python (see `TestPython`).
enum ReferencePython {
    /// Sends `request` as JSON and returns the decoded JSON answer.
    static func ask(_ request: [String: Any]) async throws -> [String: Any] {
        try await TestPython.ask("Tests/LightClientTests/Fixtures/reference.py", request)
    }
}
