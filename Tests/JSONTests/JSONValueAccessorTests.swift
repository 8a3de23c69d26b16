import JSON
import Testing

struct JSONValueAccessorTests {
    @Test func literalsBuildTheExpectedCases() {
        #expect((nil as JSONValue) == .null)
        #expect((true as JSONValue) == .bool(true))
        #expect((42 as JSONValue) == .int(42))
        #expect((1.5 as JSONValue) == .double(1.5))
        #expect(("s" as JSONValue) == .string("s"))
        #expect(([1, "a"] as JSONValue) == .array([.int(1), .string("a")]))
        #expect((["k": 1] as JSONValue) == .object(["k": .int(1)]))
        #expect(JSONValue.int(1) != JSONValue.double(1))
    }

    @Test func typedAccessors() {
        #expect(JSONValue.string("s").stringValue == "s")
        #expect(JSONValue.int(3).stringValue == nil)
        #expect(JSONValue.bool(false).boolValue == false)
        #expect(JSONValue.null.boolValue == nil)
        #expect(JSONValue.array([1]).arrayValue == [1])
        #expect(JSONValue.object(["a": 1]).objectValue == ["a": 1])
        #expect(JSONValue.array([]).objectValue == nil)
        #expect(JSONValue.null.isNull)
        #expect(!JSONValue.bool(false).isNull)
    }

    @Test func numericAccessorsConvertOnlyWhenExact() {
        #expect(JSONValue.int(.min).intValue == .min)
        #expect(JSONValue.double(3.0).intValue == 3)
        #expect(JSONValue.double(-0.0).intValue == 0)
        #expect(JSONValue.double(3.5).intValue == nil)
        #expect(JSONValue.double(1e300).intValue == nil)
        #expect(JSONValue.double(9_223_372_036_854_775_808.0).intValue == nil)
        #expect(JSONValue.string("3").intValue == nil)
        #expect(JSONValue.int(2).doubleValue == 2.0)
        #expect(JSONValue.double(0.25).doubleValue == 0.25)
        #expect(JSONValue.bool(true).doubleValue == nil)
    }

    @Test func keySubscript() {
        let value: JSONValue = ["a": ["b": [1, 2]], "n": nil]
        #expect(value["a"]?["b"] == [1, 2])
        #expect(value["n"] == .null)
        #expect(value["missing"] == nil)
        #expect(JSONValue.array([1])["a"] == nil)
        #expect(JSONValue.string("a")["a"] == nil)
    }

    @Test func errorsDescribeOffsetsOnly() {
        #expect(JSONError.unexpectedByte(offset: 7).description == "unexpected byte at offset 7")
        #expect(JSONError.tooLarge(bytes: 10, limit: 5).description == "input of 10 bytes exceeds the limit of 5")
    }
}
