/// A 256-bit signed integer in two's complement, as ABI `intN` values are encoded.
public struct Int256: Hashable, Sendable {
    /// The two's-complement bit pattern.
    public var bitPattern: UInt256

    /// The integer with this two's-complement bit pattern.
    public init(bitPattern: UInt256) {
        self.bitPattern = bitPattern
    }

    /// The value of a 64-bit signed integer, sign-extended.
    public init(_ value: Int64) {
        let fill: UInt64 = value < 0 ? .max : 0
        self.init(bitPattern: UInt256(w0: UInt64(bitPattern: value), w1: fill, w2: fill, w3: fill))
    }

    /// −2^255.
    public static let min = Int256(bitPattern: UInt256.one << 255)
    /// 2^255 − 1.
    public static let max = Int256(bitPattern: ~(UInt256.one << 255))

    /// Whether the value is below zero.
    public var isNegative: Bool { bitPattern.w3 >> 63 == 1 }

    /// The absolute value (2^255 for `min`).
    public var magnitude: UInt256 {
        isNegative ? (~bitPattern) &+ .one : bitPattern
    }

    /// Whether the value lies in the range of an `bits`-bit two's-complement integer (1...256 bits).
    public func fits(bits: Int) -> Bool {
        guard bits < 256 else { return true }
        // In range exactly when every bit from `bits − 1` upwards equals the sign bit.
        let upper = bitPattern >> (bits - 1)
        return isNegative ? upper == UInt256.max >> (bits - 1) : upper.isZero
    }

    /// The value with the sign of `negative` and absolute value `magnitude`; `nil` outside −2^255…2^255 − 1.
    public init?(negative: Bool, magnitude: UInt256) {
        let limit = UInt256.one << 255
        if negative {
            guard magnitude <= limit else { return nil }
            self.init(bitPattern: (~magnitude) &+ .one)
        } else {
            guard magnitude < limit else { return nil }
            self.init(bitPattern: magnitude)
        }
    }
}

extension Int256: ExpressibleByIntegerLiteral {
    /// A literal that fits in 64 bits.
    public init(integerLiteral value: Int64) {
        self.init(value)
    }
}

extension Int256: Comparable {
    /// Signed comparison.
    public static func < (lhs: Int256, rhs: Int256) -> Bool {
        if lhs.isNegative != rhs.isNegative { return lhs.isNegative }
        return lhs.bitPattern < rhs.bitPattern
    }
}

extension Int256: CustomStringConvertible {
    /// The decimal spelling, with a leading `-` when negative.
    public var description: String {
        isNegative ? "-" + magnitude.description : magnitude.description
    }

    /// Parses an optional `-` or `+` and decimal digits; `nil` when malformed or out of range.
    public init?(decimal text: some StringProtocol) {
        var digits = Substring(text)
        let negative = digits.first == "-"
        if negative || digits.first == "+" { digits = digits.dropFirst() }
        guard let magnitude = UInt256(decimal: digits) else { return nil }
        self.init(negative: negative, magnitude: magnitude)
    }
}
