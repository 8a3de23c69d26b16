/// A JSON object: members in first-insertion order, unique keys, assigning an existing key replaces its value
/// in place (so a parsed duplicate key keeps its first position and its last value).
///
/// Lookup is a linear scan for small objects and a hash-index probe once there are more than
/// `indexThreshold` members. Equality and hashing are order-sensitive.
public struct JSONObject: Sendable {
    /// Member names, in order.
    public private(set) var keys: [String]
    /// Member values, parallel to `keys`.
    public private(set) var values: [JSONValue]
    /// Key → position in `keys`; empty while `keys.count <= indexThreshold`.
    private var index: [String: Int]

    /// Objects with more members than this keep a hash index. Up to 16 members a scan of small strings is cheaper
    /// than hashing every key into an index when the object is built (the 12-member canonical request block of
    /// every completion spent ~6k instructions on its index, and was never looked up).
    static let indexThreshold = 16

    /// An empty object.
    public init() {
        keys = []
        values = []
        index = Dictionary()
    }

    private init(keys: [String], values: [JSONValue], index: [String: Int]) {
        self.keys = keys
        self.values = values
        self.index = index
    }

    /// An object from parallel key and value arrays in document order; a repeated key keeps its first position
    /// and takes its last value, as if the members were assigned one by one.
    init(members keys: [String], _ values: [JSONValue]) {
        if let index = Self.uniqueIndex(of: keys) {
            self.init(keys: keys, values: values, index: index)
        } else {
            self.init()
            for (key, value) in zip(keys, values) {
                self[key] = value
            }
        }
    }

    /// The lookup index for `keys` (empty at or below the threshold), or `nil` if a key repeats.
    private static func uniqueIndex(of keys: [String]) -> [String: Int]? {
        guard keys.count > indexThreshold else {
            for later in keys.indices.dropFirst() where keys[..<later].contains(keys[later]) {
                return nil
            }
            return Dictionary()  // not `[:]`, which calls the generic literal initializer (~270 instructions)
        }
        var index: [String: Int] = [:]
        index.reserveCapacity(keys.count)
        for (position, key) in keys.enumerated() where index.updateValue(position, forKey: key) != nil {
            return nil
        }
        return index
    }

    /// The number of members.
    public var count: Int { keys.count }

    /// Whether there are no members.
    public var isEmpty: Bool { keys.isEmpty }

    /// The value for `key`; assigning `nil` removes the member, assigning to a new key appends it.
    public subscript(key: String) -> JSONValue? {
        get {
            position(of: key).map { values[$0] }
        }
        set {
            if let position = position(of: key) {
                if let newValue {
                    values[position] = newValue
                } else {
                    remove(at: position)
                }
            } else if let newValue {
                append(key, newValue)
            }
        }
    }

    /// The position of `key` in `keys`, if present.
    private func position(of key: String) -> Int? {
        if keys.count > Self.indexThreshold {
            return index[key]
        }
        return keys.firstIndex(of: key)
    }

    /// Appends a member whose key is known to be absent.
    private mutating func append(_ key: String, _ value: JSONValue) {
        keys.append(key)
        values.append(value)
        if keys.count > Self.indexThreshold {
            if index.isEmpty {
                rebuildIndex()
            } else {
                index[key] = keys.count - 1
            }
        }
    }

    /// Removes the member at `position`, shifting later members down.
    private mutating func remove(at position: Int) {
        keys.remove(at: position)
        values.remove(at: position)
        index = [:]
        if keys.count > Self.indexThreshold {
            rebuildIndex()
        }
    }

    private mutating func rebuildIndex() {
        index = [:]
        index.reserveCapacity(keys.count)
        for (position, key) in keys.enumerated() {
            index[key] = position
        }
    }
}

extension JSONObject: Hashable {
    /// Same members with equal values, in the same order.
    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        lhs.keys == rhs.keys && lhs.values == rhs.values
    }

    /// Hashes members in order (the lookup index is derived state and not hashed).
    public func hash(into hasher: inout Hasher) {
        hasher.combine(keys)
        hasher.combine(values)
    }
}

extension JSONObject: Sequence {
    /// Iterates `(key, value)` pairs in order.
    public struct Iterator: IteratorProtocol {
        private let object: JSONObject
        private var position = 0

        init(_ object: JSONObject) {
            self.object = object
        }

        /// The next member, or `nil` after the last.
        public mutating func next() -> (key: String, value: JSONValue)? {
            guard position < object.keys.count else { return nil }
            defer { position += 1 }
            return (object.keys[position], object.values[position])
        }
    }

    /// An iterator over the members in order.
    public func makeIterator() -> Iterator {
        Iterator(self)
    }

    /// The member count, so `Array(object)` allocates once.
    public var underestimatedCount: Int { keys.count }
}

extension JSONObject: ExpressibleByDictionaryLiteral {
    /// An object with the literal's members in order (a repeated key: last value wins, first position kept).
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        // Two arrays and one uniqueness check, not an insertion (and index upkeep) per member.
        self.init(members: elements.map(\.0), elements.map(\.1))
    }
}
