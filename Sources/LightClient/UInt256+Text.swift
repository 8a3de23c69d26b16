import System

// Decimal and hex text, and big-endian bytes, for 256-bit integers.

extension UInt256: CustomStringConvertible {
    /// The decimal spelling.
    public var description: String {
        if isZero { return "0" }
        // Peel off 19 decimal digits at a time (10^19 is the largest power of ten below 2^64).
        let chunk: UInt64 = 10_000_000_000_000_000_000
        var chunks: [UInt64] = []
        var rest = self
        while !rest.isZero {
            let (quotient, remainder) = rest.dividedByWord(chunk)
            chunks.append(remainder.w0)
            rest = quotient
        }
        var text = String(chunks.removeLast())
        for part in chunks.reversed() {
            let digits = String(part)
            text += String(repeating: "0", count: 19 - digits.count) + digits
        }
        return text
    }

    /// The minimal hex spelling with a `0x` prefix, as JSON-RPC quantities are written (`0x0` for zero).
    public var hexString: String {
        let bytes = minimalBigEndianBytes
        guard let first = bytes.first else { return "0x0" }
        let rest = Hex.encode(bytes.dropFirst(), prefixed: false)
        return "0x" + String(first, radix: 16) + rest
    }

    /// Parses decimal digits (no sign, no separators); `nil` when empty, malformed or above 2^256 − 1.
    public init?(decimal text: some StringProtocol) {
        guard !text.isEmpty else { return nil }
        var value = UInt256.zero
        for character in text.utf8 {
            guard character >= UInt8(ascii: "0") && character <= UInt8(ascii: "9") else { return nil }
            let (times10, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(UInt256(UInt64(character - UInt8(ascii: "0"))))
            guard !overflow1 && !overflow2 else { return nil }
            value = sum
        }
        self = value
    }

    /// Parses hex digits with an optional `0x` prefix, either case, at most 64 significant digits; `nil` otherwise.
    public init?(hex text: some StringProtocol) {
        var digits = Substring(text).utf8[...]
        if digits.starts(with: "0x".utf8) || digits.starts(with: "0X".utf8) { digits = digits.dropFirst(2) }
        guard !digits.isEmpty else { return nil }
        var value = UInt256.zero
        for character in digits {
            guard let nibble = Hex.nibble(character), value.w3 >> 60 == 0 else { return nil }
            value = value << 4
            value.w0 |= UInt64(nibble)
        }
        self = value
    }

    /// The value of up to 32 big-endian bytes (leading zeros allowed); `nil` for more than 32 bytes.
    public init?(bigEndianBytes bytes: some Collection<UInt8>) {
        guard bytes.count <= 32 else { return nil }
        var limbs: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        for (index, byte) in bytes.enumerated() {
            let position = bytes.count - 1 - index  // bytes from the least significant end
            let shifted = UInt64(byte) << (8 * UInt64(position % 8))
            switch position / 8 {
            case 0: limbs.0 |= shifted
            case 1: limbs.1 |= shifted
            case 2: limbs.2 |= shifted
            default: limbs.3 |= shifted
            }
        }
        self.init(w0: limbs.0, w1: limbs.1, w2: limbs.2, w3: limbs.3)
    }

    /// The 32-byte big-endian encoding (an EVM word).
    public var bigEndianBytes: [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(32)
        for limb in [w3, w2, w1, w0] {
            for shift in stride(from: UInt64(56), through: 0, by: -8) {
                bytes.append(UInt8(truncatingIfNeeded: limb >> shift))
            }
        }
        return bytes
    }

    /// The big-endian encoding without leading zero bytes (empty for zero), as RLP encodes integers.
    public var minimalBigEndianBytes: [UInt8] {
        Array(bigEndianBytes.drop { $0 == 0 })
    }
}
