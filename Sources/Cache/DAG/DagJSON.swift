import JSON

/// DAG-JSON blocks: their links, the `{"/": "<CID>"}` objects anywhere in the document.
public enum DagJSON {
    /// The deepest nesting of arrays and objects accepted (a link object counts as a level).
    public static let maximumDepth = 256

    /// Every link in `block`, depth-first in document order, repeats included. A link is an object with exactly
    /// one member, `"/"`, whose value is a string; the string must be a CID. `{"/": {"bytes": …}}` is bytes,
    /// not a link.
    public static func links(in block: [UInt8]) throws(DagJSONError) -> [CID] {
        try links(of: try document(block))
    }

    /// The block parsed as JSON within the nesting limit.
    static func document(_ block: [UInt8]) throws(DagJSONError) -> JSONValue {
        do {
            return try JSONValue.parse(block, limits: JSONLimits(maxDepth: maximumDepth, maxBytes: block.count))
        } catch {
            throw .invalidJSON("\(error)")
        }
    }

    /// The links of a parsed document, in document order.
    static func links(of document: JSONValue) throws(DagJSONError) -> [CID] {
        var links: [CID] = []
        var pending = [document]  // what is left to visit, the next value last
        while let value = pending.popLast() {
            switch value {
            case .array(let elements): pending += elements.reversed()
            case .object(let object):
                if let text = linkText(object) {
                    do { links.append(try CID(text)) } catch { throw .invalidLink("\(error)") }
                } else {
                    pending += object.values.reversed()
                }
            default: break
            }
        }
        return links
    }

    /// The CID string of a link object: exactly one member, `"/"`, holding a string.
    static func linkText(_ object: JSONObject) -> String? {
        guard object.count == 1, object.keys[0] == "/", case .string(let text) = object.values[0] else { return nil }
        return text
    }

    /// The CID of `value` when it is a link object (of a block already checked by `links(in:)`).
    static func link(_ value: JSONValue) -> CID? {
        guard case .object(let object) = value, let text = linkText(object) else { return nil }
        return try? CID(text)
    }
}

/// Why bytes are not DAG-JSON whose links can be read.
public enum DagJSONError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Not JSON within the limits (the JSON parser's reason, with its offset).
    case invalidJSON(String)
    /// A `{"/": "…"}` link whose string is not a CID.
    case invalidLink(String)

    public var description: String {
        switch self {
        case .invalidJSON(let reason): "invalid dag-json: \(reason)"
        case .invalidLink(let reason): "invalid dag-json link: \(reason)"
        }
    }
}
