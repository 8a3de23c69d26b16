import Foundation
import JSON
import TestSupport
import Testing

/// Runs nst/JSONTestSuite's `test_parsing` corpus: `y_` must parse, `n_` must fail, `i_` must not crash.
struct JSONTestSuiteTests {
    static let directory = TestData.root.appendingPathComponent("JSONTestSuite/test_parsing")

    static let files: [String] =
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [])
        .filter { $0.hasSuffix(".json") }
        .sorted()

    static func files(prefixed prefix: String) -> [String] {
        files.filter { $0.hasPrefix(prefix) }
    }

    /// The implementation-defined cases this parser accepts; every other `i_` case is rejected: a BOM,
    /// malformed or non-UTF-8 encodings, lone surrogates, numbers overflowing to infinity, and 500 nested
    /// arrays (beyond the default depth limit; see `acceptsFiveHundredNestedArraysWhenAllowed`).
    static let acceptedImplementationDefined: Set<String> = [
        "i_number_double_huge_neg_exp.json",  // underflows to 0.0
        "i_number_real_underflow.json",  // underflows to 0.0
        "i_number_too_big_neg_int.json",  // beyond Int64, so .double
        "i_number_too_big_pos_int.json",
        "i_number_very_big_negative_int.json",
    ]

    static func load(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: directory.appendingPathComponent(name)))
    }

    @Test func corpusIsPresentAndComplete() {
        #expect(Self.files(prefixed: "y_").count == 95, "missing corpus at \(Self.directory.path)?")
        #expect(Self.files(prefixed: "n_").count == 188)
        #expect(Self.files(prefixed: "i_").count == 35)
    }

    @Test(arguments: files(prefixed: "y_"))
    func accepts(_ name: String) throws {
        let value = try JSONValue.parse(Self.load(name))
        #expect(try roundTripped(value) == value)
    }

    @Test(arguments: files(prefixed: "n_"))
    func rejects(_ name: String) throws {
        let bytes = try Self.load(name)
        #expect(throws: JSONError.self) { try JSONValue.parse(bytes) }
    }

    @Test(arguments: files(prefixed: "i_"))
    func decidesImplementationDefined(_ name: String) throws {
        let bytes = try Self.load(name)
        let value = try? JSONValue.parse(bytes)
        #expect((value != nil) == Self.acceptedImplementationDefined.contains(name))
        if let value {
            #expect(try roundTripped(value) == value)
        }
    }

    @Test func acceptsFiveHundredNestedArraysWhenAllowed() throws {
        let bytes = try Self.load("i_structure_500_nested_arrays.json")
        #expect(parseError(bytes) == .depthLimitExceeded(offset: 64))
        let value = try JSONValue.parse(bytes, limits: JSONLimits(maxDepth: 500))
        #expect(try roundTripped(value) == value)
    }

    @Test func hundredThousandOpeningArraysIsACleanError() throws {
        let bytes = try Self.load("n_structure_100000_opening_arrays.json")
        #expect(parseError(bytes) == .depthLimitExceeded(offset: 64))
        #expect(parseError(bytes, limits: JSONLimits(maxDepth: .max)) == .depthLimitExceeded(offset: 512))
    }
}
