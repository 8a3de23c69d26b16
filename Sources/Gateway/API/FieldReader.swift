public import JSON

/// Reads typed, optional fields from a JSON request object; a present field of the wrong type is a 400 naming it.
///
/// `null` counts as absent, as OpenAI's and Cortensor's clients send explicit nulls for unset options.
public struct FieldReader: Sendable {
    /// The object being read.
    public let object: JSONObject

    /// Parses `body` as a JSON object with request-sized limits.
    public init(body: [UInt8]) throws(APIError) {
        guard !body.isEmpty else { throw APIError.malformedBody("the body is empty") }
        let value: JSONValue
        do {
            value = try JSONValue.parse(body, limits: JSONLimits(maxDepth: 32, maxBytes: body.count))
        } catch {
            throw APIError.malformedBody(String(describing: error))
        }
        guard case .object(let object) = value else { throw APIError.malformedBody("expected a JSON object") }
        self.object = object
    }

    /// Wraps an already parsed object.
    public init(object: JSONObject) {
        self.object = object
    }

    private func present(_ key: String) -> JSONValue? {
        guard let value = object[key], !value.isNull else { return nil }
        return value
    }

    /// A string field.
    public func string(_ key: String) throws(APIError) -> String? {
        guard let value = present(key) else { return nil }
        guard let string = value.stringValue else { throw APIError.invalidField(key, "must be a string") }
        return string
    }

    /// A boolean field.
    public func bool(_ key: String) throws(APIError) -> Bool? {
        guard let value = present(key) else { return nil }
        guard let bool = value.boolValue else { throw APIError.invalidField(key, "must be a boolean") }
        return bool
    }

    /// An integer field within `range` (an integral float such as `90.0` is accepted); beyond it, or beyond what
    /// 64 bits hold, the 400 names the range.
    public func int(_ key: String, in range: ClosedRange<Int> = Int.min...Int.max) throws(APIError) -> Int? {
        guard let value = present(key) else { return nil }
        guard let wide = value.intValue, let int = Int(exactly: wide), range.contains(int) else {
            let bounds = range == Int.min...Int.max ? "" : " between \(range.lowerBound) and \(range.upperBound)"
            throw APIError.invalidField(key, "must be an integer\(bounds)")
        }
        return int
    }

    /// A number field within `range`.
    public func double(
        _ key: String, in range: ClosedRange<Double> = -Double.greatestFiniteMagnitude...Double.greatestFiniteMagnitude
    ) throws(APIError) -> Double? {
        guard let value = present(key) else { return nil }
        guard let double = value.doubleValue else { throw APIError.invalidField(key, "must be a number") }
        guard range.contains(double) else {
            throw APIError.invalidField(key, "must be between \(range.lowerBound) and \(range.upperBound)")
        }
        return double
    }

    /// A string or an array of strings (OpenAI's `stop`), at most `limit` entries.
    public func strings(_ key: String, limit: Int = 8) throws(APIError) -> [String] {
        guard let value = present(key) else { return [] }
        if let single = value.stringValue { return [single] }
        guard let array = value.arrayValue else {
            throw APIError.invalidField(key, "must be a string or an array of strings")
        }
        guard array.count <= limit else { throw APIError.invalidField(key, "may hold at most \(limit) entries") }
        var strings: [String] = []
        for element in array {
            guard let string = element.stringValue else {
                throw APIError.invalidField(key, "must be a string or an array of strings")
            }
            strings.append(string)
        }
        return strings
    }

    /// An object field.
    public func object(_ key: String) throws(APIError) -> JSONObject? {
        guard let value = present(key) else { return nil }
        guard let object = value.objectValue else { throw APIError.invalidField(key, "must be an object") }
        return object
    }

    /// An array field.
    public func array(_ key: String) throws(APIError) -> [JSONValue]? {
        guard let value = present(key) else { return nil }
        guard let array = value.arrayValue else { throw APIError.invalidField(key, "must be an array") }
        return array
    }
}
