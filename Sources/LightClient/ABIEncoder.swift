/// ABI encoding (the Solidity contract ABI's standard, strict-mode layout).
public enum ABI {
    /// Encodes `values` as the tuple of `types`: static values in place, dynamic ones behind offsets.
    public static func encode(_ values: [ABIValue], as types: [ABIType]) throws(ABIError) -> [UInt8] {
        for type in types { try type.validate() }
        return try encodeSequence(values, types)
    }

    /// Encodes one value of `type` on its own (as a one-element tuple would put it, offset included if dynamic).
    public static func encode(_ value: ABIValue, as type: ABIType) throws(ABIError) -> [UInt8] {
        try encode([value], as: [type])
    }

    /// Heads in order, then the tails of the dynamic elements; offsets count from the start of the heads.
    private static func encodeSequence(
        _ values: [ABIValue], _ types: some Collection<ABIType>
    ) throws(ABIError) -> [UInt8] {
        guard values.count == types.count else { throw .countMismatch(expected: types.count, found: values.count) }
        let headSize = types.reduce(0) { $0 + $1.headSize }
        var head: [UInt8] = []
        var tail: [UInt8] = []
        head.reserveCapacity(headSize)
        for (value, type) in zip(values, types) {
            if type.isDynamic {
                head += word(UInt64(headSize + tail.count))
                tail += try encodeValue(value, type)
            } else {
                head += try encodeValue(value, type)
            }
        }
        return head + tail
    }

    private static func encodeValue(_ value: ABIValue, _ type: ABIType) throws(ABIError) -> [UInt8] {
        switch (type, value) {
        case (.uint(let bits), .uint(let number)):
            guard number.bitWidth <= bits else { throw .valueOutOfRange(type: type) }
            return number.bigEndianBytes
        case (.int(let bits), .int(let number)):
            guard number.fits(bits: bits) else { throw .valueOutOfRange(type: type) }
            return number.bitPattern.bigEndianBytes
        case (.address, .address(let address)):
            return [UInt8](repeating: 0, count: 12) + address.bytes
        case (.bool, .bool(let flag)):
            return word(flag ? 1 : 0)
        case (.fixedBytes(let count), .fixedBytes(let bytes)):
            guard bytes.count == count else { throw .valueOutOfRange(type: type) }
            return padded(bytes)
        case (.bytes, .bytes(let bytes)):
            return word(UInt64(bytes.count)) + padded(bytes)
        case (.string, .string(let text)):
            let bytes = Array(text.utf8)
            return word(UInt64(bytes.count)) + padded(bytes)
        case (.array(let element), .array(let items)):
            return word(UInt64(items.count)) + (try encodeSequence(items, repeatElement(element, count: items.count)))
        case (.fixedArray(let element, let count), .array(let items)):
            guard items.count == count else { throw .countMismatch(expected: count, found: items.count) }
            return try encodeSequence(items, repeatElement(element, count: count))
        case (.tuple(let components), .tuple(let items)):
            return try encodeSequence(items, components)
        default:
            throw .typeMismatch(expected: type)
        }
    }

    /// A 32-byte big-endian word.
    static func word(_ value: UInt64) -> [UInt8] {
        UInt256(value).bigEndianBytes
    }

    /// `bytes` followed by zeros up to a multiple of 32.
    private static func padded(_ bytes: [UInt8]) -> [UInt8] {
        bytes + [UInt8](repeating: 0, count: (32 - bytes.count % 32) % 32)
    }
}
