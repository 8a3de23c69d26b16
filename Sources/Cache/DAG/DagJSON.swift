import JSON

/// DAG-JSON blocks: their links, the `{"/": "<CID>"}` objects anywhere in the document.
public enum DagJSON {
    /// The deepest nesting of arrays and objects accepted (a link object counts as a level).
    public static let maximumDepth = 256

    /// Every link in `block`, depth-first in document order, repeats included. A link is an object with exactly
    /// one member, `"/"`, whose value is a string; the string must be a CID. `{"/": {"bytes": …}}` is bytes,
    /// not a link.
    public static func links(in block: [UInt8]) throws(DagJSONError) -> [CID] {
        let document: JSONValue
        do {
            document = try JSONValue.parse(block, limits: JSONLimits(maxDepth: maximumDepth, maxBytes: block.count))
        } catch {
            throw .invalidJSON("\(error)")
        }
        var links: [CID] = []
        var pending = [document]  // what is left to visit, the next value last
        while let value = pending.popLast() {
            switch value {
            case .array(let elements): pending += elements.reversed()
            case .object(let object):
                if object.count == 1, object.keys[0] == "/", case .string(let text) = object.values[0] {
                    do { links.append(try CID(text)) } catch { throw .invalidLink("\(error)") }
                } else {
                    pending += object.values.reversed()
                }
            default: break
            }
        }
        return links
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
