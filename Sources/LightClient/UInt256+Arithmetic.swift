// Addition, subtraction, multiplication and division of 256-bit unsigned integers.

extension UInt256 {
    /// The sum modulo 2^256 and whether it wrapped.
    public func addingReportingOverflow(_ other: UInt256) -> (partialValue: UInt256, overflow: Bool) {
        let (r0, c0) = w0.addingReportingOverflow(other.w0)
        let (r1, c1) = w1.addingCarry(other.w1, c0)
        let (r2, c2) = w2.addingCarry(other.w2, c1)
        let (r3, c3) = w3.addingCarry(other.w3, c2)
        return (UInt256(w0: r0, w1: r1, w2: r2, w3: r3), c3)
    }

    /// The difference modulo 2^256 and whether it wrapped (`other` was larger).
    public func subtractingReportingOverflow(_ other: UInt256) -> (partialValue: UInt256, overflow: Bool) {
        let (r0, b0) = w0.subtractingReportingOverflow(other.w0)
        let (r1, b1) = w1.subtractingBorrow(other.w1, b0)
        let (r2, b2) = w2.subtractingBorrow(other.w2, b1)
        let (r3, b3) = w3.subtractingBorrow(other.w3, b2)
        return (UInt256(w0: r0, w1: r1, w2: r2, w3: r3), b3)
    }

    /// The product modulo 2^256 and whether the full product needed more than 256 bits.
    public func multipliedReportingOverflow(by other: UInt256) -> (partialValue: UInt256, overflow: Bool) {
        let left = limbs
        let right = other.limbs
        var product = [UInt64](repeating: 0, count: 8)
        for i in 0..<4 where left[i] != 0 {
            var carry: UInt64 = 0
            for j in 0..<4 {
                let (high, low) = left[i].multipliedFullWidth(by: right[j])
                let (sum, c1) = product[i + j].addingReportingOverflow(low)
                let (withCarry, c2) = sum.addingReportingOverflow(carry)
                product[i + j] = withCarry
                carry = high &+ (c1 ? 1 : 0) &+ (c2 ? 1 : 0)  // high ≤ 2^64 − 2, so this cannot wrap
            }
            product[i + 4] = carry
        }
        let overflow = product[4] | product[5] | product[6] | product[7] != 0
        return (UInt256(limbs: product[0..<4]), overflow)
    }

    /// Quotient and remainder of division by a non-zero `divisor`.
    public func quotientAndRemainder(dividingBy divisor: UInt256) -> (quotient: UInt256, remainder: UInt256) {
        precondition(!divisor.isZero, "UInt256 division by zero")
        if let small = divisor.uint64Value { return dividedByWord(small) }
        if self < divisor { return (.zero, self) }
        // Binary long division over the dividend's significant bits.
        var quotient = UInt256.zero
        var remainder = UInt256.zero
        for bit in stride(from: bitWidth - 1, through: 0, by: -1) {
            remainder = remainder << 1
            if (self >> bit).w0 & 1 == 1 { remainder.w0 |= 1 }
            if remainder >= divisor {
                remainder = remainder.subtractingReportingOverflow(divisor).partialValue
                quotient = quotient | (UInt256.one << bit)
            }
        }
        return (quotient, remainder)
    }

    /// Division by a non-zero 64-bit word, limb by limb.
    func dividedByWord(_ divisor: UInt64) -> (quotient: UInt256, remainder: UInt256) {
        var quotient = [UInt64](repeating: 0, count: 4)
        var remainder: UInt64 = 0
        let source = limbs
        for index in stride(from: 3, through: 0, by: -1) {
            // remainder < divisor, so the two-word dividend's quotient fits in one word.
            (quotient[index], remainder) = divisor.dividingFullWidth((remainder, source[index]))
        }
        return (UInt256(limbs: quotient), UInt256(remainder))
    }

    /// The sum; traps on overflow.
    public static func + (lhs: UInt256, rhs: UInt256) -> UInt256 {
        let (value, overflow) = lhs.addingReportingOverflow(rhs)
        precondition(!overflow, "UInt256 addition overflow")
        return value
    }

    /// The difference; traps when `rhs` is larger.
    public static func - (lhs: UInt256, rhs: UInt256) -> UInt256 {
        let (value, overflow) = lhs.subtractingReportingOverflow(rhs)
        precondition(!overflow, "UInt256 subtraction overflow")
        return value
    }

    /// The product; traps on overflow.
    public static func * (lhs: UInt256, rhs: UInt256) -> UInt256 {
        let (value, overflow) = lhs.multipliedReportingOverflow(by: rhs)
        precondition(!overflow, "UInt256 multiplication overflow")
        return value
    }

    /// The quotient; traps on division by zero.
    public static func / (lhs: UInt256, rhs: UInt256) -> UInt256 { lhs.quotientAndRemainder(dividingBy: rhs).quotient }

    /// The remainder; traps on division by zero.
    public static func % (lhs: UInt256, rhs: UInt256) -> UInt256 {
        lhs.quotientAndRemainder(dividingBy: rhs).remainder
    }

    /// The sum modulo 2^256.
    public static func &+ (lhs: UInt256, rhs: UInt256) -> UInt256 { lhs.addingReportingOverflow(rhs).partialValue }

    /// The difference modulo 2^256.
    public static func &- (lhs: UInt256, rhs: UInt256) -> UInt256 {
        lhs.subtractingReportingOverflow(rhs).partialValue
    }

    /// The product modulo 2^256.
    public static func &* (lhs: UInt256, rhs: UInt256) -> UInt256 {
        lhs.multipliedReportingOverflow(by: rhs).partialValue
    }
}

extension UInt64 {
    /// `self + other + carry` and the carry out.
    fileprivate func addingCarry(_ other: UInt64, _ carry: Bool) -> (UInt64, Bool) {
        let (sum, c1) = addingReportingOverflow(other)
        let (withCarry, c2) = sum.addingReportingOverflow(carry ? 1 : 0)
        return (withCarry, c1 || c2)
    }

    /// `self − other − borrow` and the borrow out.
    fileprivate func subtractingBorrow(_ other: UInt64, _ borrow: Bool) -> (UInt64, Bool) {
        let (difference, b1) = subtractingReportingOverflow(other)
        let (withBorrow, b2) = difference.subtractingReportingOverflow(borrow ? 1 : 0)
        return (withBorrow, b1 || b2)
    }
}
