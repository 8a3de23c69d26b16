public import Foundation

/// Where the third-party test vectors live: `$CORTENSOR_TESTDATA`, else `<package root>/Tests/Vectors` (byte-for-byte
/// copies of `../shared/testdata`, with their licences and origins in its README).
public enum TestData {
    /// The package's root folder (the one holding `Package.swift`).
    public static var packageRoot: URL {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent()  // TestSupport
            .deletingLastPathComponent()  // Tests
            .deletingLastPathComponent()
    }

    /// The test data root.
    public static var root: URL {
        if let override = ProcessInfo.processInfo.environment["CORTENSOR_TESTDATA"], !override.isEmpty {
            return URL(fileURLWithPath: override)
        }
        return packageRoot.appendingPathComponent("Tests/Vectors")
    }

    /// The URL of a file under the test data root.
    public static func url(_ path: String) -> URL {
        root.appendingPathComponent(path)
    }

    /// The text of a file under the test data root.
    public static func text(_ path: String) throws -> String {
        try String(contentsOf: url(path), encoding: .utf8)
    }

    /// Rows of a comma-separated file with padded columns, each field trimmed and unquoted; header dropped.
    public static func csvRows(_ path: String) throws -> (header: [String], rows: [[String]]) {
        let lines = try text(path).split(whereSeparator: \.isNewline).filter { !$0.isEmpty }
        let parsed = lines.map { line in
            line.split(separator: ",", maxSplits: 4, omittingEmptySubsequences: false).map {
                $0.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            }
        }
        return (parsed.first ?? [], Array(parsed.dropFirst()))
    }
}
