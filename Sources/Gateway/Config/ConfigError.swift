public import TOML

/// A configuration problem; its description is one line naming the key and the problem.
public enum ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file is not valid TOML.
    case syntax(TOMLError)
    /// A key the configuration does not know (typo safety), with the closest known key if any.
    case unknownKey(key: String, suggestion: String?)
    /// A key whose value has the wrong type.
    case wrongType(key: String, expected: String, found: String)
    /// A value outside the accepted range or format; `problem` starts with the offending value.
    case invalidValue(key: String, problem: String)
    /// A required key is absent.
    case missingKey(String)
    /// A `CORTENSOR_EDGE_*` environment variable that names no setting.
    case unknownEnvironmentVariable(name: String, suggestion: String?)
    /// The configuration file could not be read.
    case unreadableFile(path: String, reason: String)

    /// One line, e.g. `config: miners[1].url: "ftp://x" is not an http(s) URL`.
    public var description: String {
        switch self {
        case .syntax(let error):
            "config: \(error)"
        case .unknownKey(let key, let suggestion):
            "config: \(key): unknown key" + (suggestion.map { " (did you mean \($0)?)" } ?? "")
        case .wrongType(let key, let expected, let found):
            "config: \(key): expected \(expected), found \(found)"
        case .invalidValue(let key, let problem):
            "config: \(key): \(problem)"
        case .missingKey(let key):
            "config: \(key): missing"
        case .unknownEnvironmentVariable(let name, let suggestion):
            "config: \(name): unknown environment variable" + (suggestion.map { " (did you mean \($0)?)" } ?? "")
        case .unreadableFile(let path, let reason):
            "config: \(path): \(reason)"
        }
    }
}

/// Closest-match suggestions for misspelt keys.
enum Spelling {
    /// The candidate within edit distance 2 of `word` (case-insensitive), if any.
    static func suggestion(for word: String, among candidates: [String]) -> String? {
        let target = Array(word.lowercased().utf8)
        var best: (distance: Int, candidate: String)?
        for candidate in candidates {
            let distance = editDistance(target, Array(candidate.lowercased().utf8))
            if distance <= 2, distance < best?.distance ?? .max { best = (distance, candidate) }
        }
        return best?.candidate
    }

    private static func editDistance(_ a: [UInt8], _ b: [UInt8]) -> Int {
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var row = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                row[j] = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = row
        }
        return previous[b.count]
    }
}
