import Hashing
import JSON
import System

/// EIP-712's atomic and dynamic leaf types, encoded as one 32-byte word each.
enum TypedDataAtom {
    static func isAtomic(_ type: String) -> Bool {
        switch type {
        case "bool", "address", "string", "bytes": return true
        default: return integerBits(type) != nil || fixedBytesCount(type) != nil
        }
    }

    /// The word for a leaf value: `bytes` and `string` hashed, integers as 256-bit two's complement, the rest
    /// left- (numbers, addresses) or right-aligned (`bytesN`).
    static func encode(_ type: String, _ value: JSONValue) throws(TypedDataError) -> [UInt8] {
        let invalid = TypedDataError.invalidValue(type: type)
        switch type {
        case "bool":
            guard let flag = value.boolValue else { throw invalid }
            return UInt256(flag ? 1 : 0).bigEndianBytes
        case "address":
            guard let text = value.stringValue, let address = try? Address(parsing: text) else { throw invalid }
            return [UInt8](repeating: 0, count: 12) + address.bytes
        case "string":
            guard let text = value.stringValue else { throw invalid }
            return Keccak256.hash(Array(text.utf8))
        case "bytes":
            guard let text = value.stringValue, text.hasPrefix("0x"), let bytes = Hex.decode(text) else {
                throw invalid
            }
            return Keccak256.hash(bytes)
        default:
            if let count = fixedBytesCount(type) {
                guard let text = value.stringValue, text.hasPrefix("0x"), let bytes = Hex.decode(text),
                    bytes.count == count
                else { throw invalid }
                return bytes + [UInt8](repeating: 0, count: 32 - count)
            }
            guard let (signed, bits) = integerBits(type) else { throw .unknownType(type) }
            guard let word = integerWord(value, signed: signed, bits: bits) else { throw invalid }
            return word.bigEndianBytes
        }
    }

    /// For `uintN`/`intN` with N a multiple of 8 in 8...256: signedness and N.
    static func integerBits(_ type: String) -> (signed: Bool, bits: Int)? {
        let signed = type.hasPrefix("int")
        guard signed || type.hasPrefix("uint") else { return nil }
        guard let bits = Int(type.dropFirst(signed ? 3 : 4)), bits % 8 == 0, (8...256).contains(bits) else {
            return nil
        }
        return (signed, bits)
    }

    /// For `bytesN` with N in 1...32: N.
    static func fixedBytesCount(_ type: String) -> Int? {
        guard type.hasPrefix("bytes"), let count = Int(type.dropFirst(5)), (1...32).contains(count) else { return nil }
        return count
    }

    /// The word of a JSON integer, or of a string of decimal digits (optionally negative) or `0x` hex, when it
    /// fits the type: 256-bit two's complement for signed types.
    static func integerWord(_ value: JSONValue, signed: Bool, bits: Int) -> UInt256? {
        var negative = false
        var magnitude: UInt256
        if case .int(let number) = value {
            (negative, magnitude) = (number < 0, UInt256(number.magnitude))
        } else if let string = value.stringValue {
            var text = Substring(string)
            negative = text.hasPrefix("-")
            if negative { text = text.dropFirst() }
            guard let parsed = text.hasPrefix("0x") ? UInt256(hex: text) : UInt256(decimal: text) else { return nil }
            magnitude = parsed
        } else {
            return nil
        }
        guard signed else {
            guard !negative || magnitude.isZero, bits == 256 || magnitude >> bits == .zero else { return nil }
            return magnitude
        }
        guard let number = Int256(negative: negative, magnitude: magnitude), number.fits(bits: bits) else {
            return nil
        }
        return number.bitPattern
    }
}
