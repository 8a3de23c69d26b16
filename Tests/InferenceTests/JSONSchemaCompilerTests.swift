import JSON
import Testing

@testable import Inference

/// Every supported keyword: texts its grammar accepts and refuses; unsupported and invalid schemas: the errors.
@Suite struct JSONSchemaCompilerTests {
    private func check(_ schema: String, accepts: [String], refuses: [String]) throws {
        let grammar = try JSONGrammarTests.grammar(schema)
        for text in accepts { #expect(JSONGrammarTests.accepts(grammar, text), "\(schema) should accept \(text)") }
        for text in refuses { #expect(!JSONGrammarTests.accepts(grammar, text), "\(schema) should refuse \(text)") }
    }

    @Test func scalarTypes() throws {
        try check(#"{"type":"string"}"#, accepts: [#""a""#, #""""#], refuses: ["1", "null", "\"a"])
        try check(#"{"type":"integer"}"#, accepts: ["0", "-12", "7"], refuses: ["1.5", "1e3", "\"1\"", "-"])
        try check(#"{"type":"number"}"#, accepts: ["0", "-1.5", "2e-3"], refuses: ["true", ".5", "+1"])
        try check(#"{"type":"boolean"}"#, accepts: ["true", "false"], refuses: ["null", "1", "tru"])
        try check(#"{"type":"null"}"#, accepts: ["null"], refuses: ["true", "\"null\""])
    }

    @Test func typeLists() throws {
        try check(#"{"type":["string","null"]}"#, accepts: [#""x""#, "null"], refuses: ["1", "true"])
        try check(#"{"type":["integer","number"]}"#, accepts: ["1", "1.5"], refuses: ["\"1\""])
    }

    @Test func objectsKeepDeclaredOrderAndRequiredKeys() throws {
        let schema = #"""
            {"type":"object","properties":{"name":{"type":"string"},"age":{"type":"integer"},
             "nick":{"type":"string"}},"required":["name","age"],"additionalProperties":false}
            """#
        try check(
            schema,
            accepts: [#"{"name":"a","age":3}"#, #"{"name":"a","age":3,"nick":"b"}"#, #"{ "name" : "a", "age": 3 }"#],
            refuses: [
                #"{"age":3,"name":"a"}"#, #"{"name":"a"}"#, #"{"name":"a","age":3,"x":1}"#, "{}",
                #"{"name":1,"age":3}"#,
                #"{"name":"a","age":3,}"#,
            ])
    }

    @Test func optionalPropertiesMayBeSkipped() throws {
        let schema =
            #"{"properties":{"a":{"type":"integer"},"b":{"type":"integer"},"c":{"type":"integer"}},"required":["c"]}"#
        try check(
            schema, accepts: [#"{"c":1}"#, #"{"a":1,"c":1}"#, #"{"b":1,"c":1}"#, #"{"a":1,"b":2,"c":3}"#],
            refuses: [#"{"a":1}"#, #"{"c":1,"a":1}"#, #"{"b":1,"a":1,"c":1}"#])
    }

    @Test func additionalProperties() throws {
        try check(#"{"type":"object","additionalProperties":false}"#, accepts: ["{}"], refuses: [#"{"a":1}"#])
        try check(
            #"{"type":"object","additionalProperties":{"type":"integer"}}"#, accepts: [#"{"a":1,"b":2}"#, "{}"],
            refuses: [#"{"a":"x"}"#])
        try check(#"{"type":"object"}"#, accepts: [#"{"a":[1,"x"]}"#], refuses: ["[]"])
    }

    @Test func nestedObjectsAndArrays() throws {
        let schema = #"""
            {"type":"object","properties":{"items":{"type":"array","items":{"type":"object",
             "properties":{"id":{"type":"integer"},"tags":{"type":"array","items":{"type":"string"}}},
             "required":["id","tags"]}}},"required":["items"]}
            """#
        try check(
            schema, accepts: [#"{"items":[]}"#, #"{"items":[{"id":1,"tags":["a","b"]},{"id":2,"tags":[]}]}"#],
            refuses: [#"{"items":[{"id":1}]}"#, #"{"items":[{"id":1,"tags":[1]}]}"#, #"{"items":{}}"#])
    }

    @Test func arrayBounds() throws {
        let schema = #"{"type":"array","items":{"type":"integer"},"minItems":2,"maxItems":3}"#
        try check(
            schema, accepts: ["[1,2]", "[1,2,3]", "[ 1 , 2 ]"], refuses: ["[]", "[1]", "[1,2,3,4]", "[1,\"a\"]"])
        try check(#"{"type":"array","maxItems":0}"#, accepts: ["[]"], refuses: ["[1]"])
        try check(#"{"type":"array","minItems":1}"#, accepts: [#"[1,"a",{}]"#], refuses: ["[]"])
    }

    @Test func enumsAndConst() throws {
        try check(
            #"{"enum":["red","green",1,12,null]}"#, accepts: [#""red""#, #""green""#, "1", "12", "null"],
            refuses: [#""blue""#, "2", "123", #""re""#, "true"])
        try check(#"{"const":{"a":[1,true]}}"#, accepts: [#"{"a":[1,true]}"#], refuses: [#"{"a":[1]}"#, "{}"])
        try check(#"{"type":"array","items":{"enum":[1,12]}}"#, accepts: ["[1,12,1]", "[12]"], refuses: ["[2]"])
        try check(#"{"type":"string","enum":["a",1]}"#, accepts: [#""a""#], refuses: ["1"])
    }

    @Test func annotationsAreIgnored() throws {
        try check(
            #"{"title":"T","description":"d","$schema":"x","type":"object","properties":{"a":{"type":"string","description":"x"}},"required":["a"]}"#,
            accepts: [#"{"a":""}"#], refuses: ["{}"])
    }

    @Test(arguments: [
        (#"{"type":"string","pattern":"^a"}"#, ["pattern"]),
        (#"{"anyOf":[{"type":"string"}],"minimum":1}"#, ["anyOf", "minimum"]),
        (##"{"type":"object","properties":{"a":{"$ref":"#/$defs/x"}}}"##, ["$ref"]),
        (#"{"type":"string","format":"date","minLength":1}"#, ["format", "minLength"]),
    ])
    func unsupportedKeywordsAreNamed(_ schema: String, _ keywords: [String]) throws {
        #expect(throws: JSONSchemaError.self) { try JSONGrammarTests.grammar(schema) }
        do {
            _ = try JSONGrammarTests.grammar(schema)
        } catch let error as JSONSchemaError {
            guard case .unsupportedKeywords(let named, _) = error else {
                Issue.record("expected unsupportedKeywords, got \(error)")
                return
            }
            #expect(named == keywords)
            for keyword in keywords { #expect(error.description.contains(keyword)) }
        }
    }

    @Test(arguments: [
        #"{"type":"text"}"#, #"{"type":"array","minItems":-1}"#, #"{"required":"a"}"#, #"{"properties":[]}"#,
        #"{"properties":{"a":{}},"required":["b"]}"#, #"{"type":"array","minItems":3,"maxItems":2}"#, "false", "1",
        #"{"type":"string","enum":[1]}"#, #"{"enum":"a"}"#, #"{"type":["string","string"]}"#,
    ])
    func invalidSchemasAreRefused(_ schema: String) {
        #expect(throws: JSONSchemaError.self) { try JSONGrammarTests.grammar(schema) }
    }

    @Test func boundsOnUntrustedSchemas() throws {
        var limits = JSONSchemaCompiler.Limits()
        limits.maxDepth = 3
        let deep = try JSONValue.parse(Array(#"{"items":{"items":{"items":{"items":{}}}}}"#.utf8))
        #expect(throws: JSONSchemaError.self) { try JSONSchemaCompiler.compile(deep, limits: limits) }
        let values = (0...JSONSchemaCompiler.Limits().maxEnumValues).map { JSONValue.int(Int64($0)) }
        #expect(throws: JSONSchemaError.self) { try JSONSchemaCompiler.compile(["enum": .array(values)]) }
        #expect(throws: JSONSchemaError.self) {
            try JSONSchemaCompiler.compile(["type": "array", "minItems": 100_000])
        }
    }

    @Test func emptySchemaIsAnyValue() throws {
        try check("{}", accepts: ["1", "[]", #"{"a":"b"}"#], refuses: ["x"])
        try check("true", accepts: ["null"], refuses: [""])
    }
}
