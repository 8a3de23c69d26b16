import JSON
import TestSupport
import Testing

struct JSONParsingNumberTests {
    @Test(arguments: [
        ("0", Int64(0)), ("-0", 0), ("7", 7), ("-42", -42), ("1234567890", 1_234_567_890),
        ("9223372036854775807", .max), ("-9223372036854775808", .min),
        ("9223372036854775806", .max - 1), ("-9223372036854775807", .min + 1),
    ])
    func integersThatFitAreExact(_ text: String, _ expected: Int64) throws {
        #expect(try JSONValue.parse(text) == .int(expected))
    }

    @Test(arguments: [
        ("9223372036854775808", 9_223_372_036_854_775_808.0),
        ("-9223372036854775809", -9_223_372_036_854_775_809.0),
        ("100000000000000000000", 1e20),
        ("1.5", 1.5), ("-0.25", -0.25), ("1e2", 100), ("1E+2", 100), ("1e-2", 0.01), ("0.1", 0.1),
        ("1.0", 1.0), ("0e0", 0), ("123.456e-2", 1.23456),
        ("2.2250738585072014e-308", 2.2250738585072014e-308),
        ("1.7976931348623157e308", .greatestFiniteMagnitude),
        ("5e-324", .leastNonzeroMagnitude),
        ("1e-400", 0),
    ])
    func otherNumbersAreDoubles(_ text: String, _ expected: Double) throws {
        #expect(try JSONValue.parse(text) == .double(expected))
    }

    @Test func correctlyRoundedDoubles() throws {
        // Halfway cases and long mantissas where naive digit accumulation rounds wrongly.
        #expect(try JSONValue.parse("9007199254740993.0") == .double(9_007_199_254_740_992))
        #expect(try JSONValue.parse("9007199254740995.0") == .double(9_007_199_254_740_996))
        #expect(try JSONValue.parse("0.30000000000000004") == .double(0.1 + 0.2))
        // Just below and just above the midpoint between the largest subnormal and the smallest normal.
        let belowMidpoint = "2.22507385850720113605740979670913197593481954635164564e-308"
        let aboveMidpoint = "2.2250738585072011360574097967091319759348195463516456481e-308"
        #expect(try JSONValue.parse(belowMidpoint) == .double(Double(bitPattern: 0x000F_FFFF_FFFF_FFFF)))
        #expect(try JSONValue.parse(aboveMidpoint) == .double(.leastNormalMagnitude))
    }

    @Test func fastPathAgreesWithTheStandardLibrary() throws {
        // Random lexemes around the fast-path bounds (<= 19 digits, significand <= 2^53, |exponent| <= 22).
        var generator = SplitMix64(seed: 7)
        for _ in 0..<20_000 {
            let integer = String(
                UInt64.random(in: 0...(1 << 54), using: &generator) >> Int.random(in: 0..<54, using: &generator))
            let fraction =
                String(repeating: "0", count: Int.random(in: 0..<4, using: &generator))
                + String(UInt64.random(in: 0..<1_000_000_000, using: &generator))
            var lexeme = Bool.random(using: &generator) ? integer + "." + fraction : integer
            if Bool.random(using: &generator) {
                lexeme += "e" + String(Int.random(in: -40...40, using: &generator))
            }
            if Bool.random(using: &generator) { lexeme = "-" + lexeme }
            let expected = try #require(Double(lexeme))
            let parsed = try JSONValue.parse(lexeme)
            if case .double(let double) = parsed {
                #expect(double.bitPattern == expected.bitPattern, "\(lexeme)")
            } else {
                #expect(parsed.doubleValue == expected, "\(lexeme)")  // An integer; `-0` reads as `.int(0)`.
            }
        }
    }

    @Test func negativeZeroDoubleKeepsItsSign() throws {
        let value = try JSONValue.parse("-0.0")
        #expect(value.doubleValue?.sign == .minus)
    }

    @Test(arguments: [
        ("01", JSONError.invalidNumber(offset: 0)),
        ("-01", .invalidNumber(offset: 0)),
        ("[00]", .invalidNumber(offset: 1)),
        ("1.e5", .invalidNumber(offset: 0)),
        ("1.", .unexpectedEnd),
        ("-", .unexpectedEnd),
        ("-a", .invalidNumber(offset: 0)),
        ("1e", .unexpectedEnd),
        ("1e+", .unexpectedEnd),
        ("1ex", .invalidNumber(offset: 0)),
        (".5", .unexpectedByte(offset: 0)),
        ("+1", .unexpectedByte(offset: 0)),
        ("NaN", .unexpectedByte(offset: 0)),
        ("Infinity", .unexpectedByte(offset: 0)),
        ("-Infinity", .invalidNumber(offset: 0)),
        ("1e400", .invalidNumber(offset: 0)),
        ("[0, -1e400]", .invalidNumber(offset: 4)),
        ("0x10", .trailingData(offset: 1)),
        ("1 2", .trailingData(offset: 2)),
        ("[1 2]", .unexpectedByte(offset: 3)),
    ])
    func malformedNumbersFail(_ text: String, _ expected: JSONError) {
        #expect(parseError(text) == expected)
    }
}
