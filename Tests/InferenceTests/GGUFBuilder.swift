/// Hand-built GGUF bytes for negative tests: every field written explicitly, however wrong.
struct GGUFBuilder {
    private(set) var bytes: [UInt8] = []

    /// A header with the magic, `version` and the two counts.
    init(version: UInt32 = 3, tensorCount: UInt64, keyCount: UInt64) {
        bytes = Array("GGUF".utf8)
        u32(version)
        u64(tensorCount)
        u64(keyCount)
    }

    mutating func u8(_ value: UInt8) { bytes.append(value) }
    mutating func append(zeros count: Int) { bytes += [UInt8](repeating: 0, count: count) }
    mutating func u32(_ value: UInt32) { bytes += (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }
    mutating func u64(_ value: UInt64) { bytes += (0..<8).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }

    /// A GGUF string: its length (which may lie) and its bytes.
    mutating func string(_ text: String, length: UInt64? = nil) {
        u64(length ?? UInt64(text.utf8.count))
        bytes += Array(text.utf8)
    }

    /// A key and a `uint32` value.
    mutating func keyUInt32(_ key: String, _ value: UInt32) {
        string(key)
        u32(4)
        u32(value)
    }

    /// A key and a string value.
    mutating func keyString(_ key: String, _ value: String) {
        string(key)
        u32(8)
        string(value)
    }

    /// A tensor info (name, dimensions, type code, offset).
    mutating func tensor(_ name: String, dimensions: [UInt64], type: UInt32 = 0, offset: UInt64 = 0) {
        string(name)
        u32(UInt32(dimensions.count))
        for dimension in dimensions { u64(dimension) }
        u32(type)
        u64(offset)
    }

    /// Zero padding up to the next multiple of `alignment`, then `count` data bytes.
    mutating func data(count: Int, alignment: Int = 32) {
        while bytes.count % alignment != 0 { bytes.append(0) }
        bytes += [UInt8](repeating: 0x3C, count: count)
    }
}
