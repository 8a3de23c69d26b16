extension ABI {
    /// Decodes data holding the tuple of `types`, strictly: every offset and length inside the data, unused bits,
    /// padding and sign extension as the type requires, and no offsets that reuse bytes to inflate the result.
    /// Bytes after the encoding are allowed (as Solidity allows them in calldata).
    public static func decode(_ types: [ABIType], from data: [UInt8]) throws(ABIError) -> [ABIValue] {
        for type in types { try type.validate() }
        var reader = ABIReader(data: data)
        return try reader.sequence(types, at: 0)
    }

    /// Decodes a single 32-byte word holding a value type (what an indexed event topic holds).
    static func decodeWord(_ type: ABIType, from word: [UInt8]) throws(ABIError) -> ABIValue {
        guard word.count == 32 else { throw .truncated(offset: 0, needed: 32) }
        try type.validate()
        var reader = ABIReader(data: word)
        return try reader.value(type, at: 0)
    }
}

/// A cursor-free reader: every read names its absolute offset and is bounds-checked first.
struct ABIReader {
    let data: [UInt8]
    /// Bytes the decoded values may still account for; legitimate encodings never use a byte twice.
    private var budget: Int

    init(data: [UInt8]) {
        self.data = data
        self.budget = data.count
    }

    /// Decodes consecutive heads of `types` starting at `base`.
    mutating func sequence(_ types: [ABIType], at base: Int) throws(ABIError) -> [ABIValue] {
        var headSize = 0
        var overflow = false
        for type in types where !overflow { (headSize, overflow) = headSize.addingReportingOverflow(type.headSize) }
        return try heads(count: types.count, size: overflow ? nil : headSize, at: base) { types[$0] }
    }

    /// Decodes `count` consecutive heads of `element` starting at `base`.
    mutating func repeated(_ element: ABIType, count: Int, at base: Int) throws(ABIError) -> [ABIValue] {
        let (headSize, overflow) = element.headSize.multipliedReportingOverflow(by: count)
        return try heads(count: count, size: overflow ? nil : headSize, at: base) { _ in element }
    }

    /// Decodes heads of total `size` (nil: overflowed) at `base`; dynamic elements' offsets are relative to `base`.
    /// The data must hold all heads before anything is allocated.
    private mutating func heads(
        count: Int, size: Int?, at base: Int, typeAt: (Int) -> ABIType
    ) throws(ABIError) -> [ABIValue] {
        guard let size, size <= data.count - base else { throw .truncated(offset: base, needed: size ?? .max) }
        var values: [ABIValue] = []
        values.reserveCapacity(count)
        var head = base
        for index in 0..<count {
            let type = typeAt(index)
            if type.isDynamic {
                let offset = try length(at: head)
                guard offset <= data.count - base else { throw .offsetOutOfBounds(offset: head) }
                values.append(try value(type, at: base + offset))
                head += 32
            } else {
                values.append(try value(type, at: head))
                head += type.headSize
            }
        }
        return values
    }

    mutating func value(_ type: ABIType, at offset: Int) throws(ABIError) -> ABIValue {
        switch type {
        case .uint(let bits):
            let number = try word(at: offset)
            guard number.bitWidth <= bits else { throw .invalidPadding(offset: offset, type: type) }
            return .uint(number)
        case .int(let bits):
            let number = Int256(bitPattern: try word(at: offset))
            guard number.fits(bits: bits) else { throw .invalidPadding(offset: offset, type: type) }
            return .int(number)
        case .address:
            let number = try word(at: offset)
            guard number.bitWidth <= 160 else { throw .invalidPadding(offset: offset, type: type) }
            return .address(Address(bytes: data[offset + 12..<offset + 32])!)  // 20 bytes by construction
        case .bool:
            let number = try word(at: offset)
            guard number <= .one else { throw .invalidBool(offset: offset) }
            return .bool(number == .one)
        case .fixedBytes(let count):
            _ = try word(at: offset)
            guard data[offset + count..<offset + 32].allSatisfy({ $0 == 0 }) else {
                throw .invalidPadding(offset: offset, type: type)
            }
            return .fixedBytes(Array(data[offset..<offset + count]))
        case .bytes:
            return .bytes(try dynamicBytes(at: offset, type: type))
        case .string:
            let bytes = try dynamicBytes(at: offset, type: type)
            guard let text = String(validating: bytes, as: UTF8.self) else { throw .invalidUTF8(offset: offset) }
            return .string(text)
        case .array(let element):
            let count = try length(at: offset)
            try charge(32)
            // Each element takes at least 32 bytes of head after the length word.
            guard count <= (data.count - offset - 32) / 32 else { throw .offsetOutOfBounds(offset: offset) }
            return .array(try repeated(element, count: count, at: offset + 32))
        case .fixedArray(let element, let count):
            return .array(try repeated(element, count: count, at: offset))
        case .tuple(let components):
            return .tuple(try sequence(components, at: offset))
        }
    }

    /// The 32-byte word at `offset`; static words are charged against the budget here.
    private mutating func word(at offset: Int) throws(ABIError) -> UInt256 {
        guard offset <= data.count - 32 else { throw .truncated(offset: offset, needed: 32) }
        try charge(32)
        return UInt256(bigEndianBytes: data[offset..<offset + 32])!  // exactly 32 bytes
    }

    /// A word used as an offset or a length: it must fit the data (so an `Int`).
    private func length(at offset: Int) throws(ABIError) -> Int {
        guard offset <= data.count - 32 else { throw .truncated(offset: offset, needed: 32) }
        let number = UInt256(bigEndianBytes: data[offset..<offset + 32])!  // exactly 32 bytes
        guard let value = number.intValue, value <= data.count else { throw .offsetOutOfBounds(offset: offset) }
        return value
    }

    /// A length word, then that many bytes zero-padded to a multiple of 32.
    private mutating func dynamicBytes(at offset: Int, type: ABIType) throws(ABIError) -> [UInt8] {
        let count = try length(at: offset)
        let start = offset + 32
        let paddedCount = (count + 31) / 32 * 32
        guard paddedCount <= data.count - start else { throw .truncated(offset: start, needed: paddedCount) }
        try charge(32 + paddedCount)
        guard data[start + count..<start + paddedCount].allSatisfy({ $0 == 0 }) else {
            throw .invalidPadding(offset: start + count, type: type)
        }
        return Array(data[start..<start + count])
    }

    private mutating func charge(_ bytes: Int) throws(ABIError) {
        budget -= bytes
        guard budget >= 0 else { throw .decodedSizeExceedsInput }
    }
}
