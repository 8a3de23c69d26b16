import JSON

/// The error `JSONValue.parse` throws for `text`, or `nil` if it parses.
func parseError(_ text: String, limits: JSONLimits = .init()) -> JSONError? {
    parseError(Array(text.utf8), limits: limits)
}

/// The error `JSONValue.parse` throws for `bytes`, or `nil` if they parse.
func parseError(_ bytes: [UInt8], limits: JSONLimits = .init()) -> JSONError? {
    do {
        _ = try JSONValue.parse(bytes, limits: limits)
        return nil
    } catch {
        return error
    }
}

/// `parse(serialize(value))`, which must equal `value` for any finite value.
func roundTripped(_ value: JSONValue) throws -> JSONValue {
    try JSONValue.parse(value.serialized(), limits: JSONLimits(maxDepth: JSONLimits.depthCeiling, maxBytes: .max))
}
