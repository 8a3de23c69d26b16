import JSON
import Testing

struct JSONParsingStringTests {
    @Test(arguments: [
        (#""""#, ""),
        (#""plain""#, "plain"),
        (#""\"\\\/\b\f\n\r\t""#, "\"\\/\u{8}\u{C}\n\r\t"),
        (#""\u0041\u00e9\u20AC""#, "Aé€"),
        (#""\uD83D\uDE00""#, "😀"),
        (#""\ud834\udd1e""#, "𝄞"),
        (#""a\u0000b""#, "a\u{0}b"),
        (#""é€😀""#, "é€😀"),
        ("\"\u{7F}\"", "\u{7F}"),
        (#""x\n😀\u00e9y""#, "x\n😀éy"),
    ])
    func decodesStrings(_ text: String, _ expected: String) throws {
        #expect(try JSONValue.parse(text) == .string(expected))
    }

    @Test(arguments: [
        (#""\uD800""#, JSONError.invalidEscape(offset: 1)),
        (#""ab\uD800\n""#, .invalidEscape(offset: 3)),
        (#""\uD800\uD800""#, .invalidEscape(offset: 1)),
        (#""\uDC00\uD800""#, .invalidEscape(offset: 1)),
        (#""\uDFFF""#, .invalidEscape(offset: 1)),
        (#""\uD800\u0041""#, .invalidEscape(offset: 1)),
        (#""\u12G4""#, .invalidEscape(offset: 1)),
        (#""\u12""#, .invalidEscape(offset: 1)),
        (#""\x""#, .invalidEscape(offset: 1)),
        (#""\'""#, .invalidEscape(offset: 1)),
        (#""\U0041""#, .invalidEscape(offset: 1)),
        (#""\u004"#, .unexpectedEnd),
        (#""\uD800"#, .unexpectedEnd),
        (#""\"#, .unexpectedEnd),
        (#""abc"#, .unexpectedEnd),
        ("\"a\tb\"", .unexpectedByte(offset: 2)),
        ("\"a\nb\"", .unexpectedByte(offset: 2)),
        ("\"\\n\u{1F}\"", .unexpectedByte(offset: 3)),
        ("'a'", .unexpectedByte(offset: 0)),
    ])
    func rejectsBadEscapesAndControlCharacters(_ text: String, _ expected: JSONError) {
        #expect(parseError(text) == expected)
    }

    /// Malformed UTF-8 inside strings, with the offset of the first bad sequence.
    static let malformedUTF8: [([UInt8], Int)] = [
        ([0x22, 0x61, 0xFF, 0x22], 2),  // never valid
        ([0x22, 0xC0, 0x80, 0x22], 1),  // overlong NUL
        ([0x22, 0xE0, 0x80, 0xAF, 0x22], 1),  // overlong "/"
        ([0x22, 0xED, 0xA0, 0x80, 0x22], 1),  // UTF-8-encoded surrogate U+D800
        ([0x22, 0xF4, 0x90, 0x80, 0x80, 0x22], 1),  // above U+10FFFF
        ([0x22, 0x61, 0xE2, 0x82, 0x22], 2),  // truncated "€"
        ([0x22, 0x80, 0x22], 1),  // lone continuation byte
        ([0x22, 0xE9, 0x22], 1),  // ISO-8859-1 "é"
        ([0x22, 0x5C, 0x6E, 0xC3, 0xA9, 0xFE, 0x22], 5),  // after an escape and a valid "é"
        ([0x5B, 0x22, 0xC3, 0xA9, 0x22, 0x2C, 0x22, 0xC3, 0x22, 0x5D], 7),  // in the second string
    ]

    @Test(arguments: malformedUTF8)
    func rejectsMalformedUTF8WithItsOffset(_ bytes: [UInt8], _ offset: Int) {
        #expect(parseError(bytes) == .invalidUTF8(offset: offset))
    }

    @Test func keysAreDecodedLikeStrings() throws {
        let value = try JSONValue.parse(#"{"\u00e9\n":1,"😀":2}"#)
        #expect(value.objectValue?.keys == ["é\n", "😀"])
        #expect(parseError(#"{"\uDC00":1}"#) == .invalidEscape(offset: 2))
    }
}
