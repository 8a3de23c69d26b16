extension JSONValue {
    /// Parses UTF-8 `bytes` as one strict RFC 8259 JSON value (any type at top level; no byte-order mark).
    public static func parse(_ bytes: [UInt8], limits: JSONLimits = .init()) throws(JSONError) -> JSONValue {
        guard bytes.count <= limits.maxBytes else {
            throw .tooLarge(bytes: bytes.count, limit: limits.maxBytes)
        }
        var parser = JSONParser(bytes: bytes, maxDepth: limits.effectiveMaxDepth)
        return try parser.parseDocument()
    }

    /// Parses `text` (as its UTF-8 bytes) as one strict RFC 8259 JSON value.
    public static func parse(_ text: String, limits: JSONLimits = .init()) throws(JSONError) -> JSONValue {
        let count = text.utf8.count
        guard count <= limits.maxBytes else {
            throw .tooLarge(bytes: count, limit: limits.maxBytes)
        }
        return try parse(Array(text.utf8), limits: limits)
    }
}
