/// A 256-bit unsigned integer, the EVM's word: four 64-bit limbs, least significant first.
///
/// `+`, `-` and `*` trap on overflow like Swift's integers; the `…ReportingOverflow` methods and `&+`, `&-`, `&*`
/// wrap modulo 2^256.
public struct UInt256: Hashable, Sendable {
    /// Limbs, least significant first: the value is w0 + w1·2^64 + w2·2^128 + w3·2^192.
    public var w0, w1, w2, w3: UInt64

    /// The value with these limbs, least significant first.
    public init(w0: UInt64, w1: UInt64, w2: UInt64, w3: UInt64) {
        (self.w0, self.w1, self.w2, self.w3) = (w0, w1, w2, w3)
    }

    /// The value of a 64-bit word.
    public init(_ value: UInt64) {
        self.init(w0: value, w1: 0, w2: 0, w3: 0)
    }

    /// Zero.
    public static let zero = UInt256(0)
    /// One.
    public static let one = UInt256(1)
    /// 2^256 − 1.
    public static let max = UInt256(w0: .max, w1: .max, w2: .max, w3: .max)

    /// The limbs as an array, least significant first.
    var limbs: [UInt64] { [w0, w1, w2, w3] }

    /// The value of limbs given least significant first (missing limbs are zero).
    init(limbs: some Sequence<UInt64>) {
        var iterator = limbs.makeIterator()
        self.init(
            w0: iterator.next() ?? 0, w1: iterator.next() ?? 0, w2: iterator.next() ?? 0, w3: iterator.next() ?? 0)
    }

    /// Whether the value is zero.
    public var isZero: Bool { w0 | w1 | w2 | w3 == 0 }

    /// The value as a 64-bit word, if it fits.
    public var uint64Value: UInt64? { w1 | w2 | w3 == 0 ? w0 : nil }

    /// The value as an `Int`, if it fits.
    public var intValue: Int? { uint64Value.flatMap { Int(exactly: $0) } }

    /// The number of significant bits (0 for zero).
    public var bitWidth: Int {
        if w3 != 0 { return 256 - w3.leadingZeroBitCount }
        if w2 != 0 { return 192 - w2.leadingZeroBitCount }
        if w1 != 0 { return 128 - w1.leadingZeroBitCount }
        return 64 - w0.leadingZeroBitCount
    }
}

extension UInt256: ExpressibleByIntegerLiteral {
    /// A literal that fits in 64 bits.
    public init(integerLiteral value: UInt64) {
        self.init(value)
    }
}

extension UInt256: Comparable {
    /// Compares limb by limb from the most significant.
    public static func < (lhs: UInt256, rhs: UInt256) -> Bool {
        if lhs.w3 != rhs.w3 { return lhs.w3 < rhs.w3 }
        if lhs.w2 != rhs.w2 { return lhs.w2 < rhs.w2 }
        if lhs.w1 != rhs.w1 { return lhs.w1 < rhs.w1 }
        return lhs.w0 < rhs.w0
    }
}

// MARK: - Bitwise operations and shifts

extension UInt256 {
    /// Bitwise AND.
    public static func & (lhs: UInt256, rhs: UInt256) -> UInt256 {
        UInt256(w0: lhs.w0 & rhs.w0, w1: lhs.w1 & rhs.w1, w2: lhs.w2 & rhs.w2, w3: lhs.w3 & rhs.w3)
    }

    /// Bitwise OR.
    public static func | (lhs: UInt256, rhs: UInt256) -> UInt256 {
        UInt256(w0: lhs.w0 | rhs.w0, w1: lhs.w1 | rhs.w1, w2: lhs.w2 | rhs.w2, w3: lhs.w3 | rhs.w3)
    }

    /// Bitwise exclusive OR.
    public static func ^ (lhs: UInt256, rhs: UInt256) -> UInt256 {
        UInt256(w0: lhs.w0 ^ rhs.w0, w1: lhs.w1 ^ rhs.w1, w2: lhs.w2 ^ rhs.w2, w3: lhs.w3 ^ rhs.w3)
    }

    /// Bitwise NOT.
    public static prefix func ~ (value: UInt256) -> UInt256 {
        UInt256(w0: ~value.w0, w1: ~value.w1, w2: ~value.w2, w3: ~value.w3)
    }

    /// Shifts left by `count` bits (0 when `count` ≥ 256; a negative count shifts right).
    public static func << (value: UInt256, count: Int) -> UInt256 {
        if count < 0 { return value >> -count }
        guard count < 256 else { return .zero }
        let words = count / 64
        let bits = UInt64(count % 64)
        func shifted(_ index: Int) -> UInt64 {
            let carried = bits == 0 ? 0 : value.limb(index - words - 1) >> (64 - bits)
            return value.limb(index - words) << bits | carried
        }
        return UInt256(w0: shifted(0), w1: shifted(1), w2: shifted(2), w3: shifted(3))
    }

    /// Shifts right by `count` bits, filling with zeros (0 when `count` ≥ 256; a negative count shifts left).
    public static func >> (value: UInt256, count: Int) -> UInt256 {
        if count < 0 { return value << -count }
        guard count < 256 else { return .zero }
        let words = count / 64
        let bits = UInt64(count % 64)
        func shifted(_ index: Int) -> UInt64 {
            let carried = bits == 0 ? 0 : value.limb(index + words + 1) << (64 - bits)
            return value.limb(index + words) >> bits | carried
        }
        return UInt256(w0: shifted(0), w1: shifted(1), w2: shifted(2), w3: shifted(3))
    }

    /// Limb `index`, least significant first; zero outside 0..<4.
    func limb(_ index: Int) -> UInt64 {
        switch index {
        case 0: w0
        case 1: w1
        case 2: w2
        case 3: w3
        default: 0
        }
    }
}
