/// HTTP header fields in arrival order; name lookups ignore ASCII case.
public struct HTTPHeaders: Sendable, Sequence, ExpressibleByDictionaryLiteral {
    /// One header field.
    public typealias Element = (name: String, value: String)

    private var fields: [Element]

    /// An empty header list.
    public init() {
        fields = []
    }

    /// Headers from fields in order; duplicates are kept.
    public init(_ fields: [Element]) {
        self.fields = fields
    }

    /// Headers from a literal, in source order.
    public init(dictionaryLiteral elements: (String, String)...) {
        fields = elements.map { (name: $0.0, value: $0.1) }
    }

    /// The value of the first field named `name` (case-insensitive), or nil.
    public subscript(name: String) -> String? {
        fields.first { Self.namesEqual($0.name, name) }?.value
    }

    /// Every value of fields named `name`, in order.
    public func values(for name: String) -> [String] {
        fields.filter { Self.namesEqual($0.name, name) }.map(\.value)
    }

    /// Whether a field named `name` is present.
    public func contains(_ name: String) -> Bool {
        fields.contains { Self.namesEqual($0.name, name) }
    }

    /// Appends a field, keeping any existing ones with the same name.
    public mutating func add(name: String, value: String) {
        fields.append((name: name, value: value))
    }

    /// Replaces every field named `name` with one field holding `value`.
    public mutating func replaceOrAdd(name: String, value: String) {
        remove(name)
        fields.append((name: name, value: value))
    }

    /// Removes every field named `name`.
    public mutating func remove(_ name: String) {
        fields.removeAll { Self.namesEqual($0.name, name) }
    }

    /// The number of fields.
    public var count: Int { fields.count }

    /// Iterates fields in order.
    public func makeIterator() -> IndexingIterator<[Element]> {
        fields.makeIterator()
    }

    /// ASCII case-insensitive equality, as RFC 9110 specifies for field names.
    /// Bytes, not `String ==`, which would also match canonically equivalent names (a KELVIN SIGN for a `K`).
    public static func namesEqual(_ a: String, _ b: String) -> Bool {
        // Spans of the UTF-8 bytes: indexed reads, not the generic walk over two `UTF8View`s.
        let left = a.utf8.span
        let right = b.utf8.span
        guard left.count == right.count else { return false }
        for index in left.indices where asciiLowercased(left[index]) != asciiLowercased(right[index]) {
            return false
        }
        return true
    }

    /// `byte` with ASCII `A`…`Z` lowercased, any other byte as it is.
    public static func asciiLowercased(_ byte: UInt8) -> UInt8 {
        (byte >= 0x41 && byte <= 0x5A) ? byte | 0x20 : byte
    }
}
