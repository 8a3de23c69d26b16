import Hashing
import JSON

/// EIP-712's `encodeType`, `typeHash`, `encodeData` and `hashStruct` over one set of struct types.
struct TypedDataEncoder {
    let types: [String: [TypedData.Field]]

    /// `Name(type1 name1,…)` for the type, then for every struct type it references, sorted by name.
    func encodeType(_ name: String) throws(TypedDataError) -> String {
        var found: Set<String> = []
        try collectDependencies(of: name, into: &found)
        found.remove(name)
        var text = ""
        for type in [name] + found.sorted() {
            let fields = types[type]!.map { "\($0.type) \($0.name)" }  // collected names are all defined
            text += "\(type)(\(fields.joined(separator: ",")))"
        }
        return text
    }

    private func collectDependencies(of name: String, into found: inout Set<String>) throws(TypedDataError) {
        guard let fields = types[name] else { throw .unknownType(name) }
        guard found.insert(name).inserted else { return }
        for field in fields {
            let base = Self.baseType(field.type)
            if types[base] != nil {
                try collectDependencies(of: base, into: &found)
            } else if !Self.isAtomic(base) {
                throw .unknownType(base)
            }
        }
    }

    /// keccak256(encodeType(name)).
    func typeHash(_ name: String) throws(TypedDataError) -> [UInt8] {
        Keccak256.hash(Array(try encodeType(name).utf8))
    }

    /// keccak256(typeHash ‖ encodeData(value)).
    func hashStruct(_ name: String, _ value: JSONObject) throws(TypedDataError) -> [UInt8] {
        guard let fields = types[name] else { throw .unknownType(name) }
        var encoded = try typeHash(name)
        for field in fields {
            guard let member = value[field.name] else { throw .missingField(type: name, field: field.name) }
            encoded += try encodeValue(field.type, member)
        }
        return Keccak256.hash(encoded)
    }

    /// The 32-byte encoding of one member: structs and arrays hashed, `bytes` and `string` hashed, atoms as words.
    func encodeValue(_ type: String, _ value: JSONValue) throws(TypedDataError) -> [UInt8] {
        if let (element, count) = try Self.arrayParts(type) {
            guard let elements = value.arrayValue else { throw .invalidValue(type: type) }
            if let count, elements.count != count {
                throw .arrayLength(type: type, expected: count, found: elements.count)
            }
            var concatenated: [UInt8] = []
            for item in elements { concatenated += try encodeValue(element, item) }
            return Keccak256.hash(concatenated)
        }
        if types[type] != nil {
            guard let object = value.objectValue else { throw .invalidValue(type: type) }
            return try hashStruct(type, object)
        }
        return try TypedDataAtom.encode(type, value)
    }

    /// The type without its trailing array suffixes.
    static func baseType(_ type: String) -> String {
        var base = Substring(type)
        while base.hasSuffix("]"), let open = base.lastIndex(of: "[") { base = base[..<open] }
        return String(base)
    }

    /// For `T[]` or `T[n]`: `T` and `n` (nil when dynamic); `nil` when not an array type.
    static func arrayParts(_ type: String) throws(TypedDataError) -> (element: String, count: Int?)? {
        guard type.hasSuffix("]"), let open = type.lastIndex(of: "[") else { return nil }
        let inside = type[type.index(after: open)..<type.index(before: type.endIndex)]
        if inside.isEmpty { return (String(type[..<open]), nil) }
        guard let count = Int(inside), count >= 0 else { throw .unknownType(type) }
        return (String(type[..<open]), count)
    }

    static func isAtomic(_ type: String) -> Bool {
        TypedDataAtom.isAtomic(type)
    }
}
