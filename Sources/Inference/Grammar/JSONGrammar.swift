/// A JSON grammar compiled from a JSON Schema (or the grammar of any JSON value): a table of value shapes that
/// `JSONGrammarState` walks byte by byte. Nodes refer to each other by index, so states are small hashable values.
public struct JSONGrammar: Sendable, Hashable {
    /// An index into `nodes`.
    typealias NodeID = Int32

    /// The shape of one JSON value.
    enum Node: Sendable, Hashable {
        /// Any JSON value.
        case any
        /// Any JSON string.
        case string
        /// Any JSON number; `integerOnly` forbids a fraction and an exponent.
        case number(integerOnly: Bool)
        /// One of a set of serialized values (`enum`, `const`, `true`/`false`, `null`): an index into `literalSets`.
        case literals(Int32)
        /// An object with these properties, in this order, each at most once; the ones before the next required
        /// one may be left out. Nothing else.
        case object([Property])
        /// An object with any keys, each value of shape `values`.
        case anyObject(values: NodeID)
        /// An array of `items`, with between `minItems` and `maxItems` (`nil`: no limit) of them.
        case array(items: NodeID, minItems: Int32, maxItems: Int32?)
        /// The first member whose first byte matches (the compiler gives members distinct first bytes).
        case union([NodeID])
    }

    /// One declared property of an object: the index of its key in the object's key sets, its value's shape.
    struct Property: Sendable, Hashable {
        var key: [UInt8]
        var value: NodeID
        var isRequired: Bool
    }

    /// Byte strings sorted in byte order, so the ones sharing a prefix are a contiguous range.
    struct LiteralSet: Sendable, Hashable {
        /// The serialized values.
        var literals: [[UInt8]]
        /// For key sets: the property index each key stands for.
        var properties: [Int32]

        init(_ literals: [[UInt8]], properties: [Int32] = []) {
            let order = literals.indices.sorted { literals[$0].lexicographicallyPrecedes(literals[$1]) }
            self.literals = order.map { literals[$0] }
            self.properties = properties.isEmpty ? [] : order.map { properties[$0] }
        }
    }

    /// Node 0 is any value, node 1 any object, node 2 any array; literal set 0 is `false`, `null`, `true`: what
    /// `.any` dispatches to.
    private(set) var nodes: [Node] = [.any, .anyObject(values: 0), .array(items: 0, minItems: 0, maxItems: nil)]
    private(set) var literalSets: [LiteralSet] = [
        LiteralSet([Array("false".utf8), Array("null".utf8), Array("true".utf8)])
    ]
    static let anyValueNode: NodeID = 0
    static let anyObjectNode: NodeID = 1
    static let anyArrayNode: NodeID = 2
    static let keywordLiterals: Int32 = 0
    /// For each `.object` node and each next-property index: the key set of the properties allowed there.
    private(set) var keySets: [NodeID: [Int32]] = [:]
    var root: NodeID = anyValueNode

    /// The grammar of any JSON value (`response_format` `json_object` asks for an object: `anyObject`).
    public static var anyValue: JSONGrammar { JSONGrammar() }

    /// The grammar of any JSON object.
    public static var anyObject: JSONGrammar {
        var grammar = JSONGrammar()
        grammar.root = anyObjectNode
        return grammar
    }

    mutating func add(_ node: Node) -> NodeID {
        nodes.append(node)
        let id = NodeID(nodes.count - 1)
        if case .object(let properties) = node { keySets[id] = keySetsOf(properties) }
        return id
    }

    mutating func addLiterals(_ literals: [[UInt8]]) -> NodeID {
        literalSets.append(LiteralSet(literals))
        return add(.literals(Int32(literalSets.count - 1)))
    }

    /// One key set per start index: the keys from `start` up to and including the first required one.
    private mutating func keySetsOf(_ properties: [Property]) -> [Int32] {
        (0...properties.count).map { start in
            var keys: [[UInt8]] = []
            var indices: [Int32] = []
            for index in start..<properties.count {
                keys.append(properties[index].key)
                indices.append(Int32(index))
                if properties[index].isRequired { break }
            }
            literalSets.append(LiteralSet(keys, properties: indices))
            return Int32(literalSets.count - 1)
        }
    }

    func node(_ id: NodeID) -> Node { nodes[Int(id)] }
    func literalSet(_ id: Int32) -> LiteralSet { literalSets[Int(id)] }
    func keySet(of object: NodeID, from start: Int32) -> Int32 { keySets[object]![Int(start)] }
}
