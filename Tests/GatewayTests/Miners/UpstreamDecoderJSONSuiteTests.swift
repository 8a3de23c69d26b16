import Foundation
import Gateway
import Testing

/// Runs the decoder's JSON reader over nst/JSONTestSuite (shared test data): every `y_` document parses
/// (an object yields events, anything else is `notAnObject`), every `n_` document is `invalidJSON`, and `i_`
/// documents go either way without crashing.
@Suite struct UpstreamDecoderJSONSuiteTests {
    static let directory: URL = {
        let environment = ProcessInfo.processInfo.environment["CORTENSOR_TESTDATA"]
        let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let testdata =
            environment.map { URL(fileURLWithPath: $0) }
            ?? packageRoot.deletingLastPathComponent().appendingPathComponent("shared/testdata")
        return testdata.appendingPathComponent("JSONTestSuite/test_parsing")
    }()

    static func files(prefix: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasPrefix(prefix) && $0.hasSuffix(".json") }.sorted()
    }

    static func outcome(_ name: String) throws -> Result<[UpstreamEvent], UpstreamDecodeError> {
        let bytes = try [UInt8](Data(contentsOf: directory.appendingPathComponent(name)))
        return Result { () throws(UpstreamDecodeError) in try UpstreamDecoder.events(from: bytes) }
    }

    @Test func suiteIsPresent() {
        #expect(Self.files(prefix: "y_").count == 95)
        #expect(Self.files(prefix: "n_").count == 188)
        #expect(Self.files(prefix: "i_").count == 35)
    }

    @Test(arguments: files(prefix: "y_"))
    func acceptsValidDocuments(name: String) throws {
        switch try Self.outcome(name) {
        case .success, .failure(.notAnObject): break
        case .failure(let error): Issue.record("\(name): \(error)")
        }
    }

    @Test(arguments: files(prefix: "n_"))
    func rejectsInvalidDocuments(name: String) throws {
        guard case .failure(.invalidJSON) = try Self.outcome(name) else {
            Issue.record("\(name) was accepted")
            return
        }
    }

    @Test(arguments: files(prefix: "i_"))
    func survivesImplementationDefinedDocuments(name: String) throws {
        _ = try Self.outcome(name)
    }
}
