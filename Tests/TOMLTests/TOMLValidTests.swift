import Testing

@testable import TOML

/// Parses `text` and returns its root table, failing the test on error.
func parseTOML(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> TOMLTable {
    try TOMLDocument(parsing: text).root
}

/// Builds a table literal for comparisons.
func table(_ pairs: KeyValuePairs<String, TOMLValue>) -> TOMLValue {
    var table = TOMLTable()
    for (key, value) in pairs { table[key] = value }
    return .table(table)
}

@Suite struct TOMLValidTests {
    @Test func keysAndComments() throws {
        let root = try parseTOML(
            """
            # comment
            key = "value" # trailing comment
            bare_key-1 = 1
            1234 = 2
            "127.0.0.1" = 3
            "ʎǝʞ" = 4
            'quoted "value"' = 5
            "" = 6
            """)
        #expect(root.keys == ["key", "bare_key-1", "1234", "127.0.0.1", "ʎǝʞ", "quoted \"value\"", ""])
        #expect(root["key"] == .string("value"))
        #expect(root[""] == .integer(6))
    }

    @Test func dottedKeys() throws {
        let root = try parseTOML(
            """
            name = "Orange"
            physical.color = "orange"
            physical.shape = "round"
            site."google.com" = true
            fruit . flavor = "sweet"
            3.14159 = "pi"
            """)
        #expect(root["physical"] == table(["color": .string("orange"), "shape": .string("round")]))
        #expect(root["site"] == table(["google.com": .bool(true)]))
        #expect(root["fruit"] == table(["flavor": .string("sweet")]))
        #expect(root["3"] == table(["14159": .string("pi")]))
    }

    @Test func basicStringEscapes() throws {
        let root = try parseTOML(
            #"s = "I'm a string. \"You can quote me\". Name\tJos\u00E9\nLocation\tSF. \U0001F600 \b\f\r\\""#)
        #expect(root["s"] == .string("I'm a string. \"You can quote me\". Name\tJosé\nLocation\tSF. 😀 \u{8}\u{C}\r\\"))
    }

    @Test func literalStrings() throws {
        let root = try parseTOML(
            #"""
            winpath = 'C:\Users\nodejs\templates'
            quoted = 'Tom "Dubs" Preston-Werner'
            regex = '<\i\c*\s*>'
            empty = ''
            """#)
        #expect(root["winpath"] == .string(#"C:\Users\nodejs\templates"#))
        #expect(root["quoted"] == .string(#"Tom "Dubs" Preston-Werner"#))
        #expect(root["regex"] == .string(#"<\i\c*\s*>"#))
        #expect(root["empty"] == .string(""))
    }

    @Test func multilineStrings() throws {
        let root = try parseTOML(
            "a = \"\"\"\nRoses are red\r\nViolets are blue\"\"\"\n"
                + "b = \"\"\"\\\n  The quick \\\n\n    brown fox.\\\n  \"\"\"\n"
                + "c = \"\"\"Here are two quotation marks: \"\". Simple enough.\"\"\"\n"
                + "d = \"\"\"\"This,\" she said, \"is just a pointless statement.\"\"\"\"\n"
                + "e = '''\nThe first newline is\ntrimmed in raw strings.\n   All other whitespace\n   is preserved.\n'''\n"
                + "f = ''''That,' she said, 'is still pointless.''''\n"
                + "g = '''Here are fifteen quotation marks: \"\"\"\"\"\"\"\"\"\"\"\"\"\"\"'''\n"
                + "h = \"\"\"x\"\"\"\"\"\n")
        #expect(root["a"] == .string("Roses are red\nViolets are blue"))
        #expect(root["b"] == .string("The quick brown fox."))
        #expect(root["c"] == .string("Here are two quotation marks: \"\". Simple enough."))
        #expect(root["d"] == .string("\"This,\" she said, \"is just a pointless statement.\""))
        #expect(
            root["e"]
                == .string("The first newline is\ntrimmed in raw strings.\n   All other whitespace\n   is preserved.\n")
        )
        #expect(root["f"] == .string("'That,' she said, 'is still pointless.'"))
        #expect(root["g"] == .string("Here are fifteen quotation marks: " + String(repeating: "\"", count: 15)))
        #expect(root["h"] == .string("x\"\""))
    }

    @Test(arguments: [
        ("+99", Int64(99)), ("42", 42), ("0", 0), ("-17", -17), ("+0", 0), ("-0", 0),
        ("1_000", 1000), ("5_349_221", 5_349_221), ("53_49_221", 5_349_221), ("1_2_3_4_5", 12345),
        ("0xDEADBEEF", 0xDEAD_BEEF), ("0xdeadbeef", 0xDEAD_BEEF), ("0xdead_beef", 0xDEAD_BEEF),
        ("0o01234567", 0o01234567), ("0o755", 0o755), ("0b11010110", 0b11010110), ("0x00ff", 255),
        ("9223372036854775807", Int64.max), ("-9223372036854775808", Int64.min),
        ("0x7FFFFFFFFFFFFFFF", Int64.max),
    ])
    func integers(text: String, expected: Int64) throws {
        #expect(try parseTOML("n = \(text)")["n"] == .integer(expected))
    }

    @Test(arguments: [
        ("+1.0", 1.0), ("3.1415", 3.1415), ("-0.01", -0.01), ("5e+22", 5e+22), ("1e06", 1e06),
        ("-2E-2", -2e-2), ("6.626e-34", 6.626e-34), ("224_617.445_991_228", 224_617.445_991_228),
        ("0.0", 0), ("-0.0", -0.0), ("1e1_0", 1e10), ("0e0", 0), ("inf", .infinity), ("+inf", .infinity),
        ("-inf", -.infinity),
    ])
    func floats(text: String, expected: Double) throws {
        #expect(try parseTOML("n = \(text)")["n"] == .float(expected))
    }

    @Test func nanAndBooleans() throws {
        let root = try parseTOML("a = nan\nb = +nan\nc = -nan\nt = true\nf = false")
        for key in ["a", "b", "c"] {
            guard case .float(let value) = root[key] else { Issue.record("\(key) is not a float"); continue }
            #expect(value.isNaN)
        }
        #expect(root["t"] == .bool(true))
        #expect(root["f"] == .bool(false))
    }

    @Test func arrays() throws {
        let root = try parseTOML(
            """
            integers = [ 1, 2, 3 ]
            colors = [ "red", "yellow", "green" ]
            nested_arrays_of_ints = [ [ 1, 2 ], [3, 4, 5] ]
            nested_mixed_array = [ [ 1, 2 ], ["a", "b", "c"] ]
            numbers = [ 0.1, 0.2, 0.5, 1, 2, 5 ]
            contributors = [
              "Foo Bar <foo@example.com>",  # a comment
              { name = "Baz Qux", email = "bazqux@example.com", url = "https://example.com/bazqux" },
            ]
            empty = [ ]
            trailing = [
              1,
              2, # two
            ]
            """)
        #expect(root["integers"] == .array([.integer(1), .integer(2), .integer(3)]))
        #expect(
            root["nested_arrays_of_ints"]
                == .array([.array([.integer(1), .integer(2)]), .array([.integer(3), .integer(4), .integer(5)])]))
        #expect(root["empty"] == .array([]))
        #expect(root["trailing"] == .array([.integer(1), .integer(2)]))
        guard case .array(let contributors) = root["contributors"] else { Issue.record("no contributors"); return }
        #expect(contributors.count == 2)
        #expect(
            contributors[1]
                == table([
                    "name": .string("Baz Qux"), "email": .string("bazqux@example.com"),
                    "url": .string("https://example.com/bazqux"),
                ]))
    }

    @Test func tables() throws {
        let root = try parseTOML(
            """
            [table-1]
            key1 = "some string"
            key2 = 123

            [ dog . "tater.man" ]
            type.name = "pug"

            [x.y.z.w] # implicit parents
            [x] # may be defined afterwards
            a = 1

            [fruit]
            apple.color = "red"
            apple.taste.sweet = true
            [fruit.apple.texture]  # you can add sub-tables
            smooth = true
            """)
        #expect(root["table-1"] == table(["key1": .string("some string"), "key2": .integer(123)]))
        #expect(root["dog"] == table(["tater.man": table(["type": table(["name": .string("pug")])])]))
        #expect(root["x"] == table(["y": table(["z": table(["w": table([:])])]), "a": .integer(1)]))
        #expect(
            root["fruit"]
                == table([
                    "apple": table([
                        "color": .string("red"), "taste": table(["sweet": .bool(true)]),
                        "texture": table(["smooth": .bool(true)]),
                    ])
                ]))
    }

    @Test func inlineTables() throws {
        let root = try parseTOML(
            """
            name = { first = "Tom", last = "Preston-Werner" }
            point = { x = 1, y = 2 }
            animal = { type.name = "pug" }
            empty = {}
            """)
        #expect(root["point"] == table(["x": .integer(1), "y": .integer(2)]))
        #expect(root["animal"] == table(["type": table(["name": .string("pug")])]))
        #expect(root["empty"] == table([:]))
    }

    @Test func arraysOfTables() throws {
        let root = try parseTOML(
            """
            [[products]]
            name = "Hammer"
            sku = 738594937

            [[products]]  # empty table within the array

            [[products]]
            name = "Nail"
            color = "gray"

            [[fruits]]
            name = "apple"
            [fruits.physical]  # subtable
            color = "red"
            [[fruits.varieties]]  # nested array of tables
            name = "red delicious"
            [[fruits.varieties]]
            name = "granny smith"
            [[fruits]]
            name = "banana"
            """)
        #expect(
            root["products"]
                == .array([
                    table(["name": .string("Hammer"), "sku": .integer(738_594_937)]), table([:]),
                    table(["name": .string("Nail"), "color": .string("gray")]),
                ]))
        guard case .array(let fruits) = root["fruits"], fruits.count == 2, case .table(let apple) = fruits[0] else {
            Issue.record("fruits")
            return
        }
        #expect(apple["physical"] == table(["color": .string("red")]))
        #expect(
            apple["varieties"]
                == .array([table(["name": .string("red delicious")]), table(["name": .string("granny smith")])]))
        #expect(fruits[1] == table(["name": .string("banana")]))
    }

    @Test func lineEndingsAndWhitespace() throws {
        let root = try parseTOML("\u{FEFF}a = 1\r\n\t b\t=\t2  \r\n\r\n[t]\r\nc = 'x'")
        #expect(root["a"] == .integer(1))
        #expect(root["b"] == .integer(2))
        #expect(root["t"] == table(["c": .string("x")]))
    }

    @Test func emptyDocument() throws {
        #expect(try parseTOML("").count == 0)
        #expect(try parseTOML("# only a comment\n\n   \n").count == 0)
    }
}
