/// A parsed TOML document: the root table of a strict TOML 1.0 subset (no date-time values).
public struct TOMLDocument: Sendable, Equatable {
    /// The root table.
    public var root: TOMLTable

    /// Parses TOML text; throws the first error with its line and column.
    public init(parsing text: String, limits: TOMLLimits = .init()) throws(TOMLError) {
        try self.init(validUTF8: Array(text.utf8), limits: limits)
    }

    /// Parses untrusted bytes, which must be UTF-8.
    public init(parsing bytes: [UInt8], limits: TOMLLimits = .init()) throws(TOMLError) {
        guard bytes.count <= limits.maxBytes else {
            throw TOMLError(line: 1, column: 1, kind: .tooLarge(limit: limits.maxBytes))
        }
        guard String(validating: bytes, as: UTF8.self) != nil else {
            throw TOMLError(line: 1, column: 1, kind: .invalidUTF8)
        }
        try self.init(validUTF8: bytes, limits: limits)
    }

    private init(validUTF8 bytes: [UInt8], limits: TOMLLimits) throws(TOMLError) {
        guard bytes.count <= limits.maxBytes else {
            throw TOMLError(line: 1, column: 1, kind: .tooLarge(limit: limits.maxBytes))
        }
        var parser = TOMLParser(bytes: bytes, limits: limits)
        root = try parser.parseDocument()
    }
}

/// A table under construction; reference semantics let headers reopen tables in place.
/// Not shared across threads: one lives only inside one `TOMLParser` run.
final class TOMLNode {
    /// How a table came to exist, which decides whether it may be (re)defined later.
    enum Origin {
        /// Created as a parent of a `[a.b]` header; a later `[a]` may still define it.
        case implicit
        /// Defined by its own `[header]` (or the root).
        case explicit
        /// Created by a dotted key; may be extended by dotted keys and sub-headers only.
        case dotted
    }

    /// A slot in a table under construction.
    enum Entry {
        /// A finished value (scalar, inline array or inline table): never extended.
        case value(TOMLValue)
        /// A table that headers or dotted keys may still extend.
        case table(TOMLNode)
        /// An array of tables built by `[[header]]`s.
        case arrayOfTables(TOMLNodeList)
    }

    var origin: Origin
    private(set) var keys: [String] = []
    private var entries: [String: Entry] = [:]

    init(origin: Origin) {
        self.origin = origin
    }

    subscript(key: String) -> Entry? { entries[key] }

    /// Stores `entry` under `key`, remembering first-definition order.
    func set(_ entry: Entry, for key: String) {
        if entries.updateValue(entry, forKey: key) == nil { keys.append(key) }
    }

    /// The finished value of this table.
    func table() -> TOMLTable {
        var table = TOMLTable()
        for key in keys {
            switch entries[key]! {
            case .value(let value): table[key] = value
            case .table(let node): table[key] = .table(node.table())
            case .arrayOfTables(let list): table[key] = .array(list.nodes.map { .table($0.table()) })
            }
        }
        return table
    }
}

/// The growing element list of one `[[array]]`, appended in place.
final class TOMLNodeList {
    var nodes: [TOMLNode]

    init(_ nodes: [TOMLNode]) {
        self.nodes = nodes
    }
}
