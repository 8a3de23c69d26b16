import Testing

@testable import TOML

@Suite struct TOMLInvalidTests {
    /// Documents the TOML 1.0 specification (and toml-test) call invalid.
    @Test(arguments: [
        "key = # no value", "key", "= \"no key\"", "first = \"Tom\" last = \"Preston-Werner\"",
        "a = 1\na = 2", "spelling = \"favorite\"\n\"spelling\" = \"favourite\"",
        "name = \"Tom\"\nname = \"Pradyun\"",
        "fruit.apple = 1\nfruit.apple.smooth = true",
        "[fruit]\napple = \"red\"\n[fruit]\norange = \"orange\"",
        "[fruit]\napple = \"red\"\n[fruit.apple]\ntexture = \"smooth\"",
        "[fruit]\napple.color = \"red\"\n[fruit.apple]",
        "[product]\ntype.name = \"Nail\"\n[product.type]",
        "[a.b.c]\nz = 9\n[a]\nb.c.t = 1",
        "[product]\ntype = { name = \"Nail\" }\ntype.edible = false",
        "[product]\nbar = { name = \"x\" }\n[product.bar]",
        "fruits = []\n[[fruits]]",
        "[[fruits]]\nname = \"apple\"\n[fruits]",
        "[fruit.physical]\ncolor = \"red\"\n[[fruit]]",
        "[[fruit]]\n[fruit.variety]\nx=1\n[[fruit.variety]]",
        "[]", "[a.]", "[.a]", "[a..b]", "[a", "[[a]", "[[a] ]", "[ [a]]", "[a] b = 1", "[a]]",
        "a.= 1", "a. .b = 1", "bare key = 1", "ke$y = 1", "a = 1 # comment\u{7}",
        "s = \"unterminated", "s = 'unterminated", "s = \"line\nbreak\"", "s = \"\"\"unterminated",
        "s = '''unterminated\n", "s = \"\"\"x\"\"\"\"\"\"", "s = '''x''''''",
        #"s = "\x41""#, #"s = "\e""#, #"s = "\ ""#, #"s = "\uD800""#, #"s = "\u12""#, #"s = "\U00110000""#,
        #"s = "\u+123""#, "s = \"tab\u{1}ctl\"", "s = 'del\u{7F}'",
        "n = 01", "n = 0_1", "n = 1__0", "n = _1", "n = 1_", "n = +0x10", "n = 0xG", "n = 0b2", "n = 0o8",
        "n = 0x", "n = 0X10", "n = 9223372036854775808", "n = -9223372036854775809", "n = 0x8000000000000000",
        "n = 1.", "n = .5", "n = 1.e5", "n = 1e", "n = 1e_5", "n = 1_.0", "n = 1._0", "n = 03.14", "n = 1.5.3",
        "n = +-1", "n = infinity", "n = NaN", "n = Inf", "n = 1e+", "n = 1ee5",
        "b = True", "b = tru", "b = falsey", "v = yes", "v = nil",
        "d = 1979-05-27T07:32:00Z", "d = 1979-05-27", "t = 07:32:00",
        "a = [1 2]", "a = [1,,2]", "a = [,]", "a = [1", "a = [\n1,\n2\n",
        "t = {a = 1,}", "t = {a = 1\n}", "t = {a = 1 b = 2}", "t = {a = 1, a = 2}", "t = {", "t = {a.b = 1, a.b = 2}",
        "a = 1\rb = 2", "a = \"x\"\r", "a = 1 b",
    ])
    func rejects(_ text: String) {
        #expect(throws: TOMLError.self, "\(text.debugDescription)") { try TOMLDocument(parsing: text) }
    }

    @Test func errorCarriesLineAndColumn() {
        #expect(throws: TOMLError(line: 3, column: 5, kind: .invalidNumber("01"))) {
            try TOMLDocument(parsing: "a = 1\nb = 2\nc = 01\n")
        }
        #expect(throws: TOMLError(line: 2, column: 1, kind: .duplicateKey("a"))) {
            try TOMLDocument(parsing: "a = 1\na = 2")
        }
        #expect(throws: TOMLError(line: 4, column: 1, kind: .duplicateTable("server"))) {
            try TOMLDocument(parsing: "[server]\nport = 1\n\n[server]\n")
        }
        #expect(throws: TOMLError(line: 1, column: 6, kind: .invalidEscape(#"\e"#))) {
            try TOMLDocument(parsing: #"s = "\e""#)
        }
        #expect(throws: TOMLError(line: 1, column: 8, kind: .unsupportedDateTime("1979-05-27"))) {
            try TOMLDocument(parsing: "date = 1979-05-27")
        }
        #expect(throws: TOMLError(line: 2, column: 2, kind: .redefinition("product.type"))) {
            try TOMLDocument(parsing: "product.type = {}\n product.type.edible = false")
        }
    }

    @Test func errorDescriptionIsOneLine() throws {
        let error = TOMLError(
            line: 2, column: 9, kind: .unexpectedCharacter(found: "'$'", expected: "'=' after the key"))
        #expect(error.description == "line 2, column 9: unexpected '$', expected '=' after the key")
        do {
            _ = try TOMLDocument(parsing: "a = 1\nport ! 8080\n")
            Issue.record("accepted invalid TOML")
        } catch {
            #expect(error.description == "line 2, column 6: unexpected '!', expected '=' after the key")
        }
    }

    @Test func limits() {
        let limits = TOMLLimits(maxBytes: 64, maxDepth: 4)
        #expect(throws: TOMLError(line: 1, column: 1, kind: .tooLarge(limit: 64))) {
            try TOMLDocument(parsing: String(repeating: "#", count: 65), limits: limits)
        }
        #expect(throws: TOMLError(line: 1, column: 1, kind: .tooLarge(limit: 64))) {
            try TOMLDocument(parsing: Array(String(repeating: "#", count: 65).utf8), limits: limits)
        }
        #expect(throws: TOMLError.self) { try TOMLDocument(parsing: "a = [[[[[1]]]]]", limits: limits) }
        #expect(throws: TOMLError.self) { try TOMLDocument(parsing: "a.b.c.d.e = 1", limits: limits) }
        #expect(throws: TOMLError.self) { try TOMLDocument(parsing: "[a.b.c.d.e]", limits: limits) }
        #expect(throws: TOMLError.self) { try TOMLDocument(parsing: "a = {b = {c = {d = {}}}}", limits: limits) }
        #expect((try? TOMLDocument(parsing: "a = [[[1]]]", limits: limits)) != nil)
        let deep = String(repeating: "[", count: 100_000)
        #expect(throws: TOMLError(line: 1, column: 37, kind: .tooDeep(limit: 32))) {
            try TOMLDocument(parsing: "a = " + deep)
        }
    }

    @Test func invalidUTF8() {
        #expect(throws: TOMLError(line: 1, column: 1, kind: .invalidUTF8)) {
            try TOMLDocument(parsing: [0x61, 0x20, 0x3D, 0x20, 0x22, 0xFF, 0x22])
        }
    }
}
