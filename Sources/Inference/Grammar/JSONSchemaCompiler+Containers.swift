import JSON

extension JSONSchemaCompiler {
    /// `properties`, `required`, `additionalProperties`.
    mutating func objectNode(_ object: JSONObject, path: String, depth: Int) throws(JSONSchemaError)
        -> JSONGrammar.NodeID
    {
        let declared = try propertySchemas(object, path: path)
        let required = try requiredNames(object, declared: declared.map(\.key), path: path)
        let additional = object["additionalProperties"]
        if declared.isEmpty, additional?.boolValue != false {
            let valueSchema: JSONValue = additional.flatMap { $0.objectValue == nil ? nil : $0 } ?? true
            let valueNode = try node(for: valueSchema, path: path + "/additionalProperties", depth: depth + 1)
            return try add(.anyObject(values: valueNode), path: path)
        }
        guard additional == nil || additional?.boolValue != nil else {
            throw .unsupportedKeywords(["additionalProperties (a schema beside properties)"], path: path)
        }
        var properties: [JSONGrammar.Property] = []
        for (name, schema) in declared {
            let value = try node(for: schema, path: path + "/properties/" + Self.pointerToken(name), depth: depth + 1)
            let key = Array(JSONValue.string(name).serialized().utf8)
            guard key.count <= limits.maxLiteralBytes else {
                throw .tooLarge(path: path, reason: "a property name over \(limits.maxLiteralBytes) bytes")
            }
            properties.append(JSONGrammar.Property(key: key, value: value, isRequired: required.contains(name)))
        }
        return try add(.object(properties), path: path)
    }

    private func propertySchemas(_ object: JSONObject, path: String) throws(JSONSchemaError) -> [(
        key: String, value: JSONValue
    )] {
        guard let properties = object["properties"] else { return [] }
        guard let members = properties.objectValue else {
            throw .invalidKeyword("properties", path: path, reason: "not an object")
        }
        return members.map { (key: $0.key, value: $0.value) }
    }

    private func requiredNames(_ object: JSONObject, declared: [String], path: String) throws(JSONSchemaError)
        -> Set<String>
    {
        guard let required = object["required"] else { return [] }
        guard let names = required.arrayValue?.compactMap(\.stringValue), names.count == required.arrayValue?.count
        else { throw .invalidKeyword("required", path: path, reason: "not an array of strings") }
        if let missing = names.first(where: { !declared.contains($0) }) {
            throw .unsatisfiable(
                path: path,
                reason: "required property '\(missing)' is not in 'properties' (no other keys are generated)")
        }
        return Set(names)
    }

    /// `items`, `minItems`, `maxItems`.
    mutating func arrayNode(_ object: JSONObject, path: String, depth: Int) throws(JSONSchemaError)
        -> JSONGrammar.NodeID
    {
        let items = try node(for: object["items"] ?? true, path: path + "/items", depth: depth + 1)
        let minimum = try count("minItems", object, path: path) ?? 0
        let maximum = try count("maxItems", object, path: path)
        guard minimum <= limits.maxMinItems else {
            throw .tooLarge(path: path, reason: "minItems over \(limits.maxMinItems)")
        }
        if let maximum, maximum < minimum {
            throw .unsatisfiable(path: path, reason: "maxItems \(maximum) is below minItems \(minimum)")
        }
        let cap = maximum.map { Int32(clamping: $0) }
        return try add(.array(items: items, minItems: Int32(minimum), maxItems: cap), path: path)
    }

    private func count(_ keyword: String, _ object: JSONObject, path: String) throws(JSONSchemaError) -> Int64? {
        guard let value = object[keyword] else { return nil }
        let integral = value.intValue ?? value.doubleValue.flatMap { $0.rounded() == $0 ? Int64(exactly: $0) : nil }
        guard let integral, integral >= 0 else {
            throw .invalidKeyword(keyword, path: path, reason: "not a non-negative integer")
        }
        return integral
    }

    /// `name` as a JSON Pointer reference token (RFC 6901: `~` and `/` escaped).
    static func pointerToken(_ name: String) -> String {
        var token = ""
        for character in name {
            switch character {
            case "~": token += "~0"
            case "/": token += "~1"
            default: token.append(character)
            }
        }
        return token
    }
}
