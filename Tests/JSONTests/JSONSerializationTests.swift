import JSON
import TestSupport
import Testing

struct JSONSerializationTests {
    static let longText = String(repeating: "long text without escapes ", count: 4)

    @Test(arguments: [
        (JSONValue.null, "null"), (true, "true"), (false, "false"),
        (0, "0"), (-5, "-5"), (1_234_567_890, "1234567890"),
        (.int(.max), "9223372036854775807"), (.int(.min), "-9223372036854775808"),
        (1.5, "1.5"), (1.0, "1.0"), (-0.0, "-0.0"), (1e-7, "1e-07"), (1e300, "1e+300"),
        (.double(.infinity), "null"), (.double(-.infinity), "null"), (.double(.nan), "null"),
        ("", #""""#), ("a/b", #""a/b""#), ("é😀\u{7F}", "\"é😀\u{7F}\""),
        (.array([]), "[]"), (.object([:]), "{}"),
    ])
    func scalarsAndEmptyContainers(_ value: JSONValue, _ expected: String) {
        #expect(value.serialized() == expected)
    }

    @Test func escapesQuotesBackslashesAndControlCharacters() {
        let value: JSONValue = "q\"b\\n\n t\t r\r b\u{8} f\u{C} nul\u{0} us\u{1F} esc\u{1B}"
        #expect(value.serialized() == #""q\"b\\n\n t\t r\r b\b f\f nul\u0000 us\u001f esc\u001b""#)
    }

    @Test(arguments: [
        ("\"", #""\"""#), ("\nx", #""\nx""#), ("x\\", #""x\\""#),
        (Self.longText, "\"" + Self.longText + "\""),
        ("a long string, then a quote: \" and a tab\t", #""a long string, then a quote: \" and a tab\t""#),
    ])
    func escapesAtEitherEndAndInLongStrings(_ text: String, _ expected: String) {
        #expect(JSONValue.string(text).serialized() == expected)
    }

    @Test func keysAreEscapedAndKeepInsertionOrder() {
        let value: JSONValue = ["z": 1, "a\"\n": [true, nil, 2.5], "m": ["k": "v"]]
        #expect(value.serialized() == #"{"z":1,"a\"\n":[true,null,2.5],"m":{"k":"v"}}"#)
    }

    @Test func serializeAppendsToExistingBytes() {
        var bytes = Array("prefix:".utf8)
        JSONValue.array([1, "x"]).serialize(into: &bytes)
        #expect(String(decoding: bytes, as: UTF8.self) == #"prefix:[1,"x"]"#)
    }

    @Test(arguments: [
        #"{"a":[1,2,{"b":null}],"c":"d\u0000\"\\\/"}"#,
        #"[0.1,0.30000000000000004,1e-7,1E+300,-0.0,-0,5e-324,1.7976931348623157e308]"#,
        #"[9223372036854775807,-9223372036854775808,9223372036854775808,123456789012345678901234567890]"#,
        #"["\ud83d\ude00","\u00e9","é","\u001f","\u007f","\u2028"]"#,
        #"{"dup":1,"other":true,"dup":[false]}"#,
        #"  [ "" , {} , [] , {"":""} ]  "#,
    ])
    func documentsRoundTrip(_ text: String) throws {
        let value = try JSONValue.parse(text)
        let once = value.serialized()
        #expect(try JSONValue.parse(once) == value)
        #expect(try JSONValue.parse(once).serialized() == once)
    }

    @Test func doublesRoundTripBitForBit() throws {
        var generator = SplitMix64(seed: 0x5EED)
        for _ in 0..<5_000 {
            let double = Double(bitPattern: generator.next())
            guard double.isFinite else { continue }
            let parsed = try JSONValue.parse(JSONValue.double(double).serialized())
            #expect(parsed.doubleValue?.bitPattern == double.bitPattern)
        }
    }

    @Test func randomValuesRoundTrip() throws {
        var generator = SplitMix64(seed: 42)
        for _ in 0..<300 {
            let value = RandomJSON.value(depth: 0, using: &generator)
            #expect(try roundTripped(value) == value)
        }
    }
}
