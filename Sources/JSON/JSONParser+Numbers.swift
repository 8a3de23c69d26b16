extension JSONParser {
    /// Parses a number starting at `offset` (a `-` or a digit).
    ///
    /// An integer lexeme (no fraction, no exponent) that fits `Int64` becomes `.int` exactly — `-0` is `.int(0)`.
    /// Any other number becomes `.double`: by Clinger's fast path when the significand and power of ten are
    /// both exact doubles (one correctly rounded multiply or divide), otherwise by the standard library's
    /// correctly rounded `Double(String)` on the validated lexeme. A value that overflows to infinity is rejected,
    /// since JSON cannot represent it.
    mutating func parseNumber() throws(JSONError) -> JSONValue {
        let start = offset
        var cursor = offset
        let negative = bytes[cursor] == UInt8(ascii: "-")
        if negative { cursor += 1 }
        guard cursor < bytes.count else { throw .unexpectedEnd }
        guard Self.isDigit(bytes[cursor]) else { throw .invalidNumber(offset: start) }
        if bytes[cursor] == UInt8(ascii: "0"), cursor + 1 < bytes.count, Self.isDigit(bytes[cursor + 1]) {
            throw .invalidNumber(offset: start)  // A leading zero.
        }

        var significand = DecimalSignificand()
        while cursor < bytes.count, Self.isDigit(bytes[cursor]) {
            significand.append(bytes[cursor])
            cursor += 1
        }
        var isInteger = true
        var exponent10 = 0
        if cursor < bytes.count, bytes[cursor] == UInt8(ascii: ".") {
            isInteger = false
            cursor += 1
            let fractionStart = cursor
            while cursor < bytes.count, Self.isDigit(bytes[cursor]) {
                significand.append(bytes[cursor])
                cursor += 1
            }
            try requireDigits(from: fractionStart, to: cursor, numberStart: start)
            exponent10 = fractionStart - cursor
        }
        if cursor < bytes.count, bytes[cursor] == UInt8(ascii: "e") || bytes[cursor] == UInt8(ascii: "E") {
            isInteger = false
            cursor += 1
            var exponentNegative = false
            if cursor < bytes.count, bytes[cursor] == UInt8(ascii: "+") || bytes[cursor] == UInt8(ascii: "-") {
                exponentNegative = bytes[cursor] == UInt8(ascii: "-")
                cursor += 1
            }
            let exponentStart = cursor
            var magnitude = 0
            while cursor < bytes.count, Self.isDigit(bytes[cursor]) {
                // Saturates: anything this large is only handled by the slow path anyway.
                magnitude = min(magnitude * 10 + Int(bytes[cursor] &- UInt8(ascii: "0")), 1_000_000_000)
                cursor += 1
            }
            try requireDigits(from: exponentStart, to: cursor, numberStart: start)
            exponent10 += exponentNegative ? -magnitude : magnitude
        }
        offset = cursor

        if isInteger, let integer = significand.int64(negative: negative) {
            return .int(integer)
        }
        if let magnitude = significand.exactDouble(exponent10: exponent10) {
            return .double(negative ? -magnitude : magnitude)
        }
        let lexeme = String(decoding: bytes[start..<cursor], as: UTF8.self)
        guard let value = Double(lexeme), value.isFinite else { throw .invalidNumber(offset: start) }
        return .double(value)
    }

    /// Throws unless `start..<end` (a fraction or exponent) holds at least one digit.
    private func requireDigits(from start: Int, to end: Int, numberStart: Int) throws(JSONError) {
        guard end == start else { return }
        guard end < bytes.count else { throw .unexpectedEnd }
        throw .invalidNumber(offset: numberStart)
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        byte &- UInt8(ascii: "0") < 10
    }
}

/// The significant decimal digits of a number (leading zeros skipped), as an exact integer while at most 19.
private struct DecimalSignificand {
    /// The first `min(digits, 19)` significant digits.
    var value: UInt64 = 0
    /// How many significant digits were appended.
    var digits = 0

    /// 10^0 ... 10^22, the powers of ten that are exact doubles.
    static let exactPowersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]

    mutating func append(_ byte: UInt8) {
        let digit = UInt64(byte &- UInt8(ascii: "0"))
        if digits == 0, digit == 0 { return }
        digits += 1
        if digits <= 19 { value = value &* 10 &+ digit }  // 19 digits < 2^64: cannot overflow.
    }

    /// The integer with these digits and sign, if it fits `Int64`.
    func int64(negative: Bool) -> Int64? {
        guard digits <= 19 else { return nil }
        if negative {
            guard value <= Int64.min.magnitude else { return nil }
            return 0 &- Int64(truncatingIfNeeded: value)  // Wraps only for Int64.min, to Int64.min.
        }
        guard value <= UInt64(Int64.max) else { return nil }
        return Int64(value)
    }

    /// `value × 10^exponent10` when both factors are exact doubles, so one operation rounds correctly.
    func exactDouble(exponent10: Int) -> Double? {
        if digits == 0 { return 0 }
        guard digits <= 19, value <= 1 << 53, (-22...22).contains(exponent10) else { return nil }
        let mantissa = Double(value)
        return exponent10 < 0
            ? mantissa / Self.exactPowersOfTen[-exponent10]
            : mantissa * Self.exactPowersOfTen[exponent10]
    }
}
