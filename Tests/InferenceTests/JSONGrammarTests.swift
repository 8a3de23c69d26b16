import JSON
import Testing

@testable import Inference

/// The grammar automaton: which texts a compiled schema accepts whole, which it refuses.
@Suite struct JSONGrammarTests {
    static func accepts(_ grammar: JSONGrammar, _ text: String) -> Bool {
        var state = JSONGrammarState()
        return state.feed(Array(text.utf8), in: grammar) && state.canEnd(in: grammar)
    }

    static func grammar(_ schema: String) throws -> JSONGrammar {
        try JSONSchemaCompiler.compile(try JSONValue.parse(Array(schema.utf8)))
    }

    @Test(arguments: [
        #"{"a":[1,2.5e3,"x\u00e9\n",true,null,false]}"#, #""s""#, "-0.5", "[]", "{}", #"{ "a" : 1 , "b":{} }"#,
        "0", "12", "1E+2", "[[[]]]", "\"caf\u{e9} \u{1F600}\"", "[\n  1,\n\t2\n]",
    ])
    func anyValueAccepts(_ text: String) {
        #expect(Self.accepts(.anyValue, text), "\(text)")
    }

    @Test(arguments: [
        "{a:1}", "[1,]", "01", "\"\u{01}\"", "tru", #"{"a" 1}"#, "1.", #""\q""#, "{} x", " 1", "[1 2]", "-", "1e",
        #"{"a":1,}"#, "nul", "\"abc", "[", "\"\u{FFFF}", "1.5.2",
    ])
    func anyValueRefuses(_ text: String) {
        #expect(!Self.accepts(.anyValue, text), "\(text)")
    }

    @Test func invalidUTF8IsRefusedInStrings() {
        var state = JSONGrammarState()
        let fedInvalidByte = state.feed([0x22, 0xFF], in: .anyValue)
        #expect(!fedInvalidByte)
        state = JSONGrammarState()
        let fedCutSequence = state.feed([0x22, 0xC3, 0x41], in: .anyValue)
        #expect(!fedCutSequence)
    }

    @Test func anyObjectIsAnObject() {
        #expect(Self.accepts(.anyObject, #"{"x":[1,{"y":null}]}"#))
        #expect(!Self.accepts(.anyObject, "[1]"))
        #expect(!Self.accepts(.anyObject, #""s""#))
    }

    @Test func whitespaceRunsAreBounded() {
        #expect(Self.accepts(.anyValue, "[" + String(repeating: " ", count: 20) + "1]"))
        #expect(!Self.accepts(.anyValue, "[" + String(repeating: " ", count: 21) + "1]"))
    }

    @Test func nestingIsBounded() {
        let deep = JSONGrammarState.maxDepth
        #expect(
            Self.accepts(.anyValue, String(repeating: "[", count: deep - 1) + String(repeating: "]", count: deep - 1)))
        #expect(!Self.accepts(.anyValue, String(repeating: "[", count: deep)))
    }

    @Test func numbersHaveBoundedDigits() {
        #expect(Self.accepts(.anyValue, String(repeating: "9", count: 16)))
        #expect(!Self.accepts(.anyValue, String(repeating: "9", count: 17)))
        #expect(!Self.accepts(.anyValue, "1e1234"))
    }

    @Test func canEndOnlyWhenWholeAndFinishedOnlyWhenClosed() {
        var state = JSONGrammarState()
        #expect(!state.canEnd(in: .anyValue))
        let fed = state.feed(Array("12".utf8), in: .anyValue)
        #expect(fed)
        #expect(state.canEnd(in: .anyValue) && !state.isFinished, "a number may go on")
        state = JSONGrammarState()
        let fedObject = state.feed(Array("{}".utf8), in: .anyValue)
        #expect(fedObject)
        #expect(state.canEnd(in: .anyValue) && state.isFinished)
    }
}
