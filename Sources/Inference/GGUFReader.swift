/// A cursor over untrusted GGUF bytes: every read is bounds-checked and fails with a typed error naming what it read.
struct GGUFReader {
    /// How deep arrays of arrays may nest.
    static let maximumNesting = 8
    /// How many array elements all metadata may hold together. A value takes up to 24 times its bytes in the file
    /// once parsed, so the file size alone does not bound memory; real vocabularies hold well under a million.
    static let maximumArrayElements = 1 << 22

    let bytes: MappedBytes
    private(set) var offset: Int
    /// Array elements still allowed (see `maximumArrayElements`).
    private var arrayElementBudget = maximumArrayElements

    init(bytes: MappedBytes, offset: Int = 0) {
        self.bytes = bytes
        self.offset = offset
    }

    /// Bytes left after the cursor.
    var remaining: Int { bytes.count - offset }

    mutating func integer<T: FixedWidthInteger & BitwiseCopyable>(_: T.Type, _ what: String) throws(GGUFError) -> T {
        guard let value = bytes.loadLittleEndian(T.self, at: offset) else {
            throw .truncated(what: what, offset: offset, needed: offset + MemoryLayout<T>.size, available: bytes.count)
        }
        offset += MemoryLayout<T>.size
        return value
    }

    /// A count of items that each take at least `itemSize` bytes, checked against the rest of the file.
    mutating func count(_ what: String, itemSize: Int) throws(GGUFError) -> Int {
        let start = offset
        let raw = try integer(UInt64.self, what)
        let limit = UInt64(max(remaining, 0) / max(itemSize, 1))
        guard raw <= limit else { throw .countTooLarge(what: what, offset: start, count: raw, limit: limit) }
        return Int(raw)
    }

    mutating func string(_ what: String) throws(GGUFError) -> String {
        let start = offset
        let length = try integer(UInt64.self, what + " length")
        guard length <= UInt64(remaining) else {
            let needed = length > UInt64(Int.max - offset) ? Int.max : offset + Int(length)
            throw .truncated(what: what, offset: start, needed: needed, available: bytes.count)
        }
        guard let text = bytes.utf8String(at: offset, count: Int(length)) else { throw .invalidUTF8(offset: offset) }
        offset += Int(length)
        return text
    }

    mutating func valueType(_ what: String) throws(GGUFError) -> GGUFValueType {
        let start = offset
        let code = try integer(UInt32.self, what)
        guard let type = GGUFValueType(rawValue: code) else { throw .unknownValueType(offset: start, found: code) }
        return type
    }

    mutating func value(of type: GGUFValueType, depth: Int = 0) throws(GGUFError) -> GGUFValue {
        switch type {
        case .uint8: .uint8(try integer(UInt8.self, "u8 value"))
        case .int8: .int8(try integer(Int8.self, "i8 value"))
        case .uint16: .uint16(try integer(UInt16.self, "u16 value"))
        case .int16: .int16(try integer(Int16.self, "i16 value"))
        case .uint32: .uint32(try integer(UInt32.self, "u32 value"))
        case .int32: .int32(try integer(Int32.self, "i32 value"))
        case .uint64: .uint64(try integer(UInt64.self, "u64 value"))
        case .int64: .int64(try integer(Int64.self, "i64 value"))
        case .float32: .float32(Float(bitPattern: try integer(UInt32.self, "f32 value")))
        case .float64: .float64(Double(bitPattern: try integer(UInt64.self, "f64 value")))
        case .bool: .bool(try integer(UInt8.self, "bool value") != 0)
        case .string: .string(try string("string value"))
        case .array: try array(depth: depth)
        }
    }

    private mutating func array(depth: Int) throws(GGUFError) -> GGUFValue {
        guard depth < Self.maximumNesting else {
            throw .nestingTooDeep(offset: offset, limit: Self.maximumNesting)
        }
        let elementType = try valueType("array element type")
        let countOffset = offset
        let count = try count("array length", itemSize: elementType.minimumByteCount)
        guard count <= arrayElementBudget else {
            throw .countTooLarge(
                what: "array elements in metadata", offset: countOffset, count: UInt64(count),
                limit: UInt64(arrayElementBudget))
        }
        arrayElementBudget -= count
        var elements: [GGUFValue] = []
        elements.reserveCapacity(count)
        for _ in 0..<count {
            elements.append(try value(of: elementType, depth: depth + 1))
        }
        return .array(elementType: elementType, elements)
    }

    /// Moves the cursor to the next multiple of `alignment` (a power of two), which may lie past the end.
    mutating func align(to alignment: Int) {
        let (padded, overflow) = offset.addingReportingOverflow(alignment - 1)
        offset = overflow ? Int.max : padded & ~(alignment - 1)
    }
}
