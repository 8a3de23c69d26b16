import JSON
import Testing

struct JSONParsingStructureTests {
    @Test func literals() throws {
        #expect(try JSONValue.parse("true") == .bool(true))
        #expect(try JSONValue.parse("false") == .bool(false))
        #expect(try JSONValue.parse(" \t\r\nnull\n") == .null)
        #expect(parseError("nul") == .unexpectedEnd)
        #expect(parseError("nulx") == .unexpectedByte(offset: 3))
        #expect(parseError("True") == .unexpectedByte(offset: 0))
        #expect(parseError("truefalse") == .trailingData(offset: 4))
    }

    @Test func nestedDocument() throws {
        let value = try JSONValue.parse(#" { "a" : [ 1 , { "b" : null } ] , "c" : "d" , "e" : { } , "f" : [ ] } "#)
        #expect(value == ["a": [1, ["b": nil]], "c": "d", "e": [:], "f": []])
    }

    @Test func duplicateKeysKeepFirstPositionAndLastValue() throws {
        let value = try JSONValue.parse(#"{"a":1,"b":2,"a":3}"#)
        #expect(value.objectValue?.keys == ["a", "b"])
        #expect(value["a"] == 3)
        #expect(value.serialized() == #"{"a":3,"b":2}"#)
    }

    @Test func duplicateKeysInLargeObjects() throws {
        let members = (0..<12).map { #""k\#($0)":\#($0)"# } + [#""k3":"last""#, #""k11":null"#]
        let value = try JSONValue.parse("{" + members.joined(separator: ",") + "}")
        let object = try #require(value.objectValue)
        #expect(object.keys == (0..<12).map { "k\($0)" })
        #expect(object["k3"] == "last")
        #expect(object["k11"] == .null)
        #expect(object["k10"] == 10)
        let unique = try JSONValue.parse("{" + members.prefix(12).joined(separator: ",") + "}")
        #expect(unique["k11"] == 11)
    }

    @Test(arguments: [
        ("", JSONError.unexpectedEnd),
        (" \n ", .unexpectedEnd),
        ("[", .unexpectedEnd),
        ("[1,", .unexpectedEnd),
        (#"{"a""#, .unexpectedEnd),
        (#"{"a":"#, .unexpectedEnd),
        ("{", .unexpectedEnd),
        ("[1,]", .unexpectedByte(offset: 3)),
        ("[,1]", .unexpectedByte(offset: 1)),
        ("[1,,2]", .unexpectedByte(offset: 3)),
        (#"{"a":1,}"#, .unexpectedByte(offset: 7)),
        (#"{"a" 1}"#, .unexpectedByte(offset: 5)),
        (#"{"a":1 "b":2}"#, .unexpectedByte(offset: 7)),
        ("{1:1}", .unexpectedByte(offset: 1)),
        ("{'a':1}", .unexpectedByte(offset: 1)),
        ("[1}", .unexpectedByte(offset: 2)),
        (#"{"a":1]"#, .unexpectedByte(offset: 6)),
        ("]", .unexpectedByte(offset: 0)),
        ("\u{0C}1", .unexpectedByte(offset: 0)),  // form feed is not JSON whitespace
        ("\u{A0}1", .unexpectedByte(offset: 0)),  // nor is NO-BREAK SPACE
        ("\u{FEFF}{}", .unexpectedByte(offset: 0)),  // a byte-order mark is rejected
        ("{} x", .trailingData(offset: 3)),
        ("[]]", .trailingData(offset: 2)),
        ("1\u{0}", .trailingData(offset: 1)),
    ])
    func malformedStructureFails(_ text: String, _ expected: JSONError) {
        #expect(parseError(text) == expected)
    }

    @Test func depthLimitCountsArraysAndObjects() throws {
        let ok = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        #expect(try JSONValue.parse(ok).arrayValue != nil)
        let deep = String(repeating: "[", count: 65) + String(repeating: "]", count: 65)
        #expect(parseError(deep) == .depthLimitExceeded(offset: 64))
        let objects = String(repeating: #"{"k":"#, count: 65) + "1" + String(repeating: "}", count: 65)
        #expect(parseError(objects) == .depthLimitExceeded(offset: 5 * 64))
        #expect(parseError("[[1]]", limits: JSONLimits(maxDepth: 1)) == .depthLimitExceeded(offset: 1))
        #expect(parseError("[]", limits: JSONLimits(maxDepth: 0)) == .depthLimitExceeded(offset: 0))
        #expect(try JSONValue.parse("7", limits: JSONLimits(maxDepth: 0)) == 7)
    }

    @Test func depthCeilingHoldsWhateverTheLimitSays() throws {
        let limits = JSONLimits(maxDepth: .max)
        let atCeiling = String(repeating: "[", count: 512) + String(repeating: "]", count: 512)
        #expect(try JSONValue.parse(atCeiling, limits: limits).arrayValue?.count == 1)
        let beyond = String(repeating: "[", count: 513) + String(repeating: "]", count: 513)
        #expect(parseError(beyond, limits: limits) == .depthLimitExceeded(offset: 512))
    }

    @Test func sizeLimitIsCheckedBeforeParsing() throws {
        let limits = JSONLimits(maxBytes: 3)
        #expect(try JSONValue.parse("[1]", limits: limits) == [1])
        #expect(parseError("[12]", limits: limits) == .tooLarge(bytes: 4, limit: 3))
        #expect(parseError(Array("[12".utf8), limits: limits) == .unexpectedEnd)
        #expect(throws: JSONError.tooLarge(bytes: 7, limit: 3)) { try JSONValue.parse("\"é€\"", limits: limits) }
        #expect(JSONLimits().maxBytes == 8 << 20)
        #expect(JSONLimits().maxDepth == 64)
    }

    @Test func stringAndByteOverloadsAgree() throws {
        let text = #"{"model":"m","messages":[{"role":"user","content":"hi 😀"}],"temperature":0.7,"n":1}"#
        #expect(try JSONValue.parse(text) == JSONValue.parse(Array(text.utf8)))
        #expect(try JSONValue.parse(text)["temperature"] == .double(0.7))
    }
}
