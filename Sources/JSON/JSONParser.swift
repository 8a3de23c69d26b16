/// A strict RFC 8259 recursive-descent parser over a byte array.
///
/// Structure (values, arrays, objects, literals, whitespace) lives here; strings and numbers have their own files.
/// Nesting is bounded by `maxDepth` (itself capped by `JSONLimits.depthCeiling`), so recursion depth is bounded.
struct JSONParser {
    /// The untrusted input.
    let bytes: [UInt8]
    /// The next byte to read.
    var offset = 0
    /// The deepest nesting of arrays and objects allowed.
    let maxDepth: Int
    /// Elements of the containers being parsed, innermost last; each container's are moved out into an exactly
    /// sized array when it closes, which saves the repeated growth of appending to a fresh array.
    private var pendingValues: [JSONValue] = []
    /// Keys of the objects being parsed, innermost last, parallel to their values in `pendingValues`.
    private var pendingKeys: [String] = []

    init(bytes: [UInt8], maxDepth: Int) {
        self.bytes = bytes
        self.maxDepth = maxDepth
    }

    /// Parses the whole input as one value surrounded by optional whitespace.
    mutating func parseDocument() throws(JSONError) -> JSONValue {
        let value = try parseValue(depth: 0)
        skipWhitespace()
        guard offset == bytes.count else { throw .trailingData(offset: offset) }
        return value
    }

    /// Parses one value after optional whitespace; `depth` counts the arrays and objects enclosing it.
    mutating func parseValue(depth: Int) throws(JSONError) -> JSONValue {
        skipWhitespace()
        guard offset < bytes.count else { throw .unexpectedEnd }
        switch bytes[offset] {
        case UInt8(ascii: "{"):
            return .object(try parseObject(depth: depth + 1))
        case UInt8(ascii: "["):
            return .array(try parseArray(depth: depth + 1))
        case UInt8(ascii: "\""):
            return .string(try parseString())
        case UInt8(ascii: "t"):
            try expectLiteral("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try expectLiteral("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try expectLiteral("null")
            return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return try parseNumber()
        default:
            throw .unexpectedByte(offset: offset)
        }
    }

    /// Parses `[ value, ... ]` starting at the `[`.
    private mutating func parseArray(depth: Int) throws(JSONError) -> [JSONValue] {
        guard depth <= maxDepth else { throw .depthLimitExceeded(offset: offset) }
        offset += 1
        skipWhitespace()
        if offset < bytes.count, bytes[offset] == UInt8(ascii: "]") {
            offset += 1
            return []
        }
        let base = pendingValues.count
        repeat {
            pendingValues.append(try parseValue(depth: depth))
        } while try !consumeSeparator(closing: UInt8(ascii: "]"))
        let elements = Array(pendingValues[base...])
        pendingValues.removeSubrange(base...)
        return elements
    }

    /// Parses `{ "key": value, ... }` starting at the `{`.
    private mutating func parseObject(depth: Int) throws(JSONError) -> JSONObject {
        guard depth <= maxDepth else { throw .depthLimitExceeded(offset: offset) }
        offset += 1
        skipWhitespace()
        if offset < bytes.count, bytes[offset] == UInt8(ascii: "}") {
            offset += 1
            return JSONObject()
        }
        let keyBase = pendingKeys.count
        let valueBase = pendingValues.count
        repeat {
            skipWhitespace()
            guard offset < bytes.count else { throw .unexpectedEnd }
            guard bytes[offset] == UInt8(ascii: "\"") else { throw .unexpectedByte(offset: offset) }
            let key = try parseString()
            skipWhitespace()
            guard offset < bytes.count else { throw .unexpectedEnd }
            guard bytes[offset] == UInt8(ascii: ":") else { throw .unexpectedByte(offset: offset) }
            offset += 1
            pendingKeys.append(key)
            pendingValues.append(try parseValue(depth: depth))
        } while try !consumeSeparator(closing: UInt8(ascii: "}"))
        let object = JSONObject(members: Array(pendingKeys[keyBase...]), Array(pendingValues[valueBase...]))
        pendingKeys.removeSubrange(keyBase...)
        pendingValues.removeSubrange(valueBase...)
        return object
    }

    /// After an element: consumes `,` (returns `false`, another element follows) or `closing` (returns `true`).
    private mutating func consumeSeparator(closing: UInt8) throws(JSONError) -> Bool {
        skipWhitespace()
        guard offset < bytes.count else { throw .unexpectedEnd }
        let byte = bytes[offset]
        offset += 1
        if byte == UInt8(ascii: ",") { return false }
        if byte == closing { return true }
        throw .unexpectedByte(offset: offset - 1)
    }

    /// Consumes `literal` exactly (the first byte is already known to match).
    private mutating func expectLiteral(_ literal: String) throws(JSONError) {
        for expected in literal.utf8 {
            guard offset < bytes.count else { throw .unexpectedEnd }
            guard bytes[offset] == expected else { throw .unexpectedByte(offset: offset) }
            offset += 1
        }
    }

    /// Skips RFC 8259 whitespace: space, tab, line feed, carriage return.
    mutating func skipWhitespace() {
        while offset < bytes.count {
            switch bytes[offset] {
            case 0x20, 0x09, 0x0A, 0x0D: offset += 1
            default: return
            }
        }
    }
}
