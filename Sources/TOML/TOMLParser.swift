/// Recursive-descent parser over UTF-8 bytes: document structure (headers, keys, tables).
struct TOMLParser {
    let bytes: [UInt8]
    let limits: TOMLLimits
    var index = 0
    let root = TOMLNode(origin: .explicit)
    var current: TOMLNode

    init(bytes: [UInt8], limits: TOMLLimits) {
        self.bytes = bytes
        self.limits = limits
        current = root
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3 }
    }

    /// Parses every line of the document and returns the root table.
    mutating func parseDocument() throws(TOMLError) -> TOMLTable {
        while true {
            skipSpaces()
            guard let byte = peek() else { break }
            switch byte {
            case UInt8(ascii: "#"), UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                try expectLineEnd()
            case UInt8(ascii: "["):
                try parseHeader()
                try expectLineEnd()
            default:
                try parseKeyValue(into: current, depth: 0)
                try expectLineEnd()
            }
        }
        return root.table()
    }

    /// `[a.b]` or `[[a.b]]`: makes the named table the target of the following key/values.
    private mutating func parseHeader() throws(TOMLError) {
        let start = index
        index += 1
        let isArray = peek() == UInt8(ascii: "[")
        if isArray { index += 1 }
        let path = try parseKey()
        try expect(UInt8(ascii: "]"), "']' closing the table header")
        if isArray {
            guard peek() == UInt8(ascii: "]") else { throw unexpected("']]' closing the array-of-tables header") }
            index += 1
        }
        current = try openTable(path, isArray: isArray, at: start)
    }

    private func openTable(_ path: [String], isArray: Bool, at start: Int) throws(TOMLError) -> TOMLNode {
        var node = root
        for (position, part) in path.dropLast().enumerated() {
            switch node[part] {
            case nil:
                let child = TOMLNode(origin: .implicit)
                node.set(.table(child), for: part)
                node = child
            case .table(let child):
                node = child
            case .arrayOfTables(let list):
                node = list.nodes[list.nodes.count - 1]
            case .value:
                throw error(.redefinition(dotted(path.prefix(position + 1))), at: start)
            }
        }
        let last = path[path.count - 1]
        let child = TOMLNode(origin: .explicit)
        switch (node[last], isArray) {
        case (nil, false):
            node.set(.table(child), for: last)
        case (nil, true):
            node.set(.arrayOfTables(TOMLNodeList([child])), for: last)
        case (.arrayOfTables(let list), true):
            list.nodes.append(child)
        case (.table(let existing), false) where existing.origin == .implicit:
            existing.origin = .explicit
            return existing
        case (.table, false):
            throw error(.duplicateTable(dotted(path)), at: start)
        default:
            throw error(.redefinition(dotted(path)), at: start)
        }
        return child
    }

    /// `key = value` (the key may be dotted), inserted into `table`.
    mutating func parseKeyValue(into table: TOMLNode, depth: Int) throws(TOMLError) {
        let start = index
        let path = try parseKey()
        try expect(UInt8(ascii: "="), "'=' after the key")
        skipSpaces()
        let value = try parseValue(depth: depth + path.count)
        var node = table
        for (position, part) in path.dropLast().enumerated() {
            switch node[part] {
            case nil:
                let child = TOMLNode(origin: .dotted)
                node.set(.table(child), for: part)
                node = child
            case .table(let child) where child.origin == .dotted:
                node = child
            default:
                throw error(.redefinition(dotted(path.prefix(position + 1))), at: start)
            }
        }
        let last = path[path.count - 1]
        guard node[last] == nil else { throw error(.duplicateKey(dotted(path)), at: start) }
        node.set(.value(value), for: last)
    }

    /// A bare, quoted or dotted key; surrounding spaces are skipped.
    mutating func parseKey() throws(TOMLError) -> [String] {
        var path: [String] = []
        while true {
            skipSpaces()
            path.append(try parseSimpleKey())
            guard path.count <= limits.maxDepth else { throw error(.tooDeep(limit: limits.maxDepth)) }
            skipSpaces()
            guard peek() == UInt8(ascii: ".") else { return path }
            index += 1
        }
    }

    private mutating func parseSimpleKey() throws(TOMLError) -> String {
        switch peek() {
        case UInt8(ascii: "\""):
            return try parseBasicString()
        case UInt8(ascii: "'"):
            return try parseLiteralString()
        default:
            let start = index
            while let byte = peek(), TOMLSyntax.isBareKeyByte(byte) { index += 1 }
            guard index > start else { throw unexpected("a key") }
            return String(decoding: bytes[start..<index], as: UTF8.self)
        }
    }

    /// Renders a key path for messages, quoting parts that are not bare keys.
    func dotted(_ path: some Collection<String>) -> String {
        path.map(TOMLSyntax.key).joined(separator: ".")
    }
}
