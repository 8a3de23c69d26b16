public import JSON

/// Compiles a JSON Schema to a `JSONGrammar`, as llama.cpp's `json_schema_to_grammar` does for the keywords it
/// supports: `type` (a name or a list), `properties`, `required`, `additionalProperties` (`false`, `true` or, without
/// `properties`, a schema), `enum`, `const`, `items`, `minItems`, `maxItems`. Annotations (`title`, `description`…)
/// are ignored; any other keyword is refused by name, so a schema is never silently half-enforced.
///
/// Properties come out in declaration order (llama.cpp's order too): a value that validates, though the model may
/// not reorder keys.
public struct JSONSchemaCompiler {
    /// Bounds on untrusted schemas: the compiled grammar and its states stay small.
    public struct Limits: Sendable {
        public var maxDepth = 24
        public var maxNodes = 2048
        public var maxEnumValues = 512
        public var maxLiteralBytes = 4096
        public var maxMinItems: Int64 = 256

        public init() {}
    }

    static let supported: Set<String> = [
        "type", "properties", "required", "additionalProperties", "enum", "const", "items", "minItems", "maxItems",
    ]
    static let annotations: Set<String> = [
        "title", "description", "$schema", "$id", "$comment", "default", "examples", "deprecated", "readOnly",
        "writeOnly",
    ]
    static let typeNames = ["string", "number", "integer", "boolean", "null", "object", "array"]

    private var grammar = JSONGrammar()
    let limits: Limits

    private init(limits: Limits) { self.limits = limits }

    /// The grammar of the values `schema` accepts.
    public static func compile(_ schema: JSONValue, limits: Limits = Limits()) throws(JSONSchemaError) -> JSONGrammar {
        var compiler = JSONSchemaCompiler(limits: limits)
        compiler.grammar.root = try compiler.node(for: schema, path: "", depth: 0)
        return compiler.grammar
    }

    mutating func add(_ node: JSONGrammar.Node, path: String) throws(JSONSchemaError) -> JSONGrammar.NodeID {
        guard grammar.nodes.count < limits.maxNodes else {
            throw .tooLarge(path: path, reason: "more than \(limits.maxNodes) subschemas")
        }
        return grammar.add(node)
    }

    mutating func node(for schema: JSONValue, path: String, depth: Int) throws(JSONSchemaError)
        -> JSONGrammar.NodeID
    {
        guard depth <= limits.maxDepth else {
            throw .tooLarge(path: path, reason: "nested deeper than \(limits.maxDepth)")
        }
        if let allowsAll = schema.boolValue {
            guard allowsAll else { throw .unsatisfiable(path: path, reason: "the schema 'false' accepts nothing") }
            return try add(.any, path: path)
        }
        guard let object = schema.objectValue else {
            throw .invalidKeyword("schema", path: path, reason: "a schema is an object or a boolean")
        }
        let unknown = object.keys.filter { !Self.supported.contains($0) && !Self.annotations.contains($0) }
        guard unknown.isEmpty else { throw .unsupportedKeywords(unknown, path: path) }
        let types = try declaredTypes(object, path: path)
        if let values = object["enum"]?.arrayValue ?? object["const"].map({ [$0] }) {
            return try literals(values, types: types, path: path)
        }
        if object["enum"] != nil { throw .invalidKeyword("enum", path: path, reason: "not an array") }
        let members = try Self.mergedNumberTypes(types).map { (type) throws(JSONSchemaError) in
            try node(ofType: type, object, path: path, depth: depth)
        }
        return members.count == 1 ? members[0] : try add(.union(members), path: path)
    }

    /// The `type` names, or the type implied by the keywords present (`properties`: object, `items`: array).
    private func declaredTypes(_ object: JSONObject, path: String) throws(JSONSchemaError) -> [String] {
        guard let type = object["type"] else {
            if object["properties"] != nil || object["additionalProperties"] != nil || object["required"] != nil {
                return ["object"]
            }
            if object["items"] != nil || object["minItems"] != nil || object["maxItems"] != nil { return ["array"] }
            return ["any"]
        }
        let names = type.stringValue.map { [$0] } ?? (type.arrayValue ?? []).compactMap(\.stringValue)
        guard !names.isEmpty, names.allSatisfy(Self.typeNames.contains),
            type.stringValue != nil || names.count == type.arrayValue?.count, Set(names).count == names.count
        else {
            throw .invalidKeyword("type", path: path, reason: "expected one of \(Self.typeNames) or a list of them")
        }
        return names
    }

    /// `number` covers `integer`: one member per distinct first byte.
    private static func mergedNumberTypes(_ types: [String]) -> [String] {
        types.contains("number") ? types.filter { $0 != "integer" } : types
    }

    private mutating func node(ofType type: String, _ object: JSONObject, path: String, depth: Int)
        throws(JSONSchemaError) -> JSONGrammar.NodeID
    {
        switch type {
        case "string": return try add(.string, path: path)
        case "number": return try add(.number(integerOnly: false), path: path)
        case "integer": return try add(.number(integerOnly: true), path: path)
        case "boolean": return try literalNode([Array("false".utf8), Array("true".utf8)], path: path)
        case "null": return try literalNode([Array("null".utf8)], path: path)
        case "object": return try objectNode(object, path: path, depth: depth)
        case "array": return try arrayNode(object, path: path, depth: depth)
        default: return try add(.any, path: path)
        }
    }

    private mutating func literalNode(_ literals: [[UInt8]], path: String) throws(JSONSchemaError)
        -> JSONGrammar.NodeID
    {
        guard grammar.nodes.count < limits.maxNodes else {
            throw .tooLarge(path: path, reason: "more than \(limits.maxNodes) subschemas")
        }
        return grammar.addLiterals(literals)
    }

    /// `enum`/`const`: the values that also have a declared type, serialized compactly.
    private mutating func literals(_ values: [JSONValue], types: [String], path: String) throws(JSONSchemaError)
        -> JSONGrammar.NodeID
    {
        guard values.count <= limits.maxEnumValues else {
            throw .tooLarge(path: path, reason: "more than \(limits.maxEnumValues) enum values")
        }
        var serialized: [[UInt8]] = []
        for value in values where types == ["any"] || types.contains(where: { Self.value(value, hasType: $0) }) {
            let bytes = Array(value.serialized().utf8)
            guard bytes.count <= limits.maxLiteralBytes else {
                throw .tooLarge(path: path, reason: "an enum value over \(limits.maxLiteralBytes) bytes")
            }
            if !serialized.contains(bytes) { serialized.append(bytes) }
        }
        guard !serialized.isEmpty else {
            throw .unsatisfiable(path: path, reason: "no 'enum' or 'const' value has the declared type")
        }
        return try literalNode(serialized, path: path)
    }

    static func value(_ value: JSONValue, hasType type: String) -> Bool {
        switch (type, value) {
        case ("string", .string), ("boolean", .bool), ("null", .null), ("object", .object), ("array", .array),
            ("number", .int), ("number", .double), ("integer", .int):
            return true
        case ("integer", .double(let number)): return number.rounded() == number && number.isFinite
        default: return false
        }
    }
}
