/// Why a JSON Schema cannot be compiled to a grammar. `path` is the JSON Pointer of the subschema at fault.
public enum JSONSchemaError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Keywords that constrained decoding does not enforce; the schema is refused rather than half-honoured.
    case unsupportedKeywords([String], path: String)
    /// A keyword whose value is not what JSON Schema allows (a `type` that is no type name, a negative `minItems`).
    case invalidKeyword(String, path: String, reason: String)
    /// A schema no value can satisfy under constrained decoding (a `required` property that is not declared).
    case unsatisfiable(path: String, reason: String)
    /// Beyond the compiler's bounds on nesting, nodes, enum values or literal sizes.
    case tooLarge(path: String, reason: String)

    public var description: String {
        switch self {
        case .unsupportedKeywords(let keywords, let path):
            "JSON Schema keyword\(keywords.count == 1 ? "" : "s") not supported for constrained decoding: "
                + keywords.joined(separator: ", ") + " (at \(Self.shown(path)))"
        case .invalidKeyword(let keyword, let path, let reason):
            "invalid JSON Schema '\(keyword)' at \(Self.shown(path)): \(reason)"
        case .unsatisfiable(let path, let reason): "unsatisfiable JSON Schema at \(Self.shown(path)): \(reason)"
        case .tooLarge(let path, let reason): "JSON Schema too large at \(Self.shown(path)): \(reason)"
        }
    }

    private static func shown(_ path: String) -> String { path.isEmpty ? "the root" : path }
}
