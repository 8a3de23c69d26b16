import TestSupport
import Testing

@testable import Cache

/// The upstream multibase vectors (`Tests/Vectors/multibase`).
@Suite struct MultibaseVectorTests {
    /// Inputs of the test CSVs, from `tests/README.md`.
    static let inputs: [String: [UInt8]] = [
        "basic.csv": Array("yes mani !".utf8),
        "leading_zero.csv": [0] + Array("yes mani !".utf8),
        "two_leading_zeros.csv": [0, 0] + Array("yes mani !".utf8),
        "case_insensitivity.csv": Array("hello world".utf8),
    ]
    /// Encodings in the table that are deliberately not implemented.
    static let notImplemented: Set<String> = ["none", "proquint"]

    @Test(arguments: ["basic.csv", "leading_zero.csv", "two_leading_zeros.csv", "case_insensitivity.csv"])
    func vectors(file: String) throws {
        let (_, rows) = try TestData.csvRows("multibase/tests/\(file)")
        let input = try #require(Self.inputs[file])
        var checked = 0
        for row in rows {
            let name = row[0]
            guard let base = Multibase(rawValue: name) else {
                #expect(Self.notImplemented.contains(name), "vector for unknown encoding \(name)")
                continue
            }
            let text = row[1]
            if file != "case_insensitivity.csv" {
                #expect(base.encode(input) == text, "\(name) encode")
            }
            let decoded = try Multibase.decode(text)
            #expect(decoded.base == base && decoded.bytes == input, "\(name) decode")
            checked += 1
        }
        #expect(checked == rows.count, "every row was checked")
    }

    @Test func everyRegistryEncodingIsImplementedOrListed() throws {
        let (header, rows) = try TestData.csvRows("multibase/multibase.csv")
        #expect(header.prefix(3) == ["Unicode", "character", "encoding"])
        var registry: [String: String] = [:]
        for row in rows where row[2] != "none" {
            registry[row[2]] = row[1]
        }
        for (name, prefix) in registry where !Self.notImplemented.contains(name) {
            let base = try #require(Multibase(rawValue: name), "\(name) is not implemented")
            #expect(String(base.prefix) == prefix, "\(name)")
        }
        #expect(Set(Multibase.allCases.map(\.name)) == Set(registry.keys).subtracting(Self.notImplemented))
    }

    @Test func emojiAlphabetIsAPermutationOfDistinctScalars() throws {
        #expect(BaseCoding.Emoji.alphabet.count == 256)
        #expect(Set(BaseCoding.Emoji.alphabet).count == 256)
    }

    /// RFC 9285 section 4.
    @Test func base45RFCExamples() throws {
        let examples: [(String, String)] = [("AB", "BB8"), ("Hello!!", "%69 VD92EX0"), ("base-45", "UJCLQE7W581")]
        for (plain, encoded) in examples {
            #expect(Multibase.base45.encodeWithoutPrefix(Array(plain.utf8)) == encoded)
            #expect(try Multibase.base45.decodeWithoutPrefix(Substring(encoded)) == Array(plain.utf8))
        }
        #expect(throws: MultiformatError.self) { try Multibase.base45.decodeWithoutPrefix("GGW") }  // 65536
    }

    @Test(arguments: Multibase.allCases)
    func roundTripsRandomBytes(base: Multibase) throws {
        var generator = SplitMix64(seed: 0xC1D + UInt64(base.name.utf8.count))
        for length in [0, 1, 2, 3, 4, 5, 7, 31, 32, 33, 100] {
            var bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            if length > 2 { bytes[0] = 0 }
            let text = base.encode(bytes)
            let decoded = try Multibase.decode(text)
            #expect(decoded.bytes == bytes && decoded.base == base, "\(base) length \(length)")
        }
    }
}

@Suite struct MultibaseStrictnessTests {
    @Test func rejectsUnknownPrefixesAndAlphabets() throws {
        #expect(throws: MultiformatError.unknownMultibase("x")) { try Multibase.decode("xabc") }
        #expect(throws: MultiformatError.empty) { try Multibase.decode("") }
        #expect(throws: MultiformatError.self) { try Multibase.decode("bafy1") }  // '1' is not base32
        #expect(throws: MultiformatError.self) { try Multibase.decode("z0OIl") }  // not base58btc
        #expect(throws: MultiformatError.self) { try Multibase.decode("f0g") }
        #expect(throws: MultiformatError.self) { try Multibase.decode("🚀a") }
        #expect(throws: MultiformatError.self) { try Multibase.decode("mZm9v\u{e9}") }
    }

    @Test func rejectsNonCanonicalTrailingBitsAndPadding() throws {
        #expect(try Multibase.decode("mZm8").bytes == Array("fo".utf8))
        #expect(throws: MultiformatError.self) { try Multibase.decode("mZm9") }  // "fo" with non-zero spare bits
        #expect(throws: MultiformatError.self) { try Multibase.decode("mZ") }  // impossible length
        #expect(throws: MultiformatError.self) { try Multibase.decode("MZm8") }  // padding missing
        #expect(try Multibase.decode("MZm8=").bytes == Array("fo".utf8))
        #expect(throws: MultiformatError.self) { try Multibase.decode("MZm8==") }
        #expect(throws: MultiformatError.self) { try Multibase.decode("mZm8=") }  // padding where none belongs
        #expect(throws: MultiformatError.self) { try Multibase.decode("fabc") }  // odd hex
        #expect(try Multibase.decode("cmzxw6===").bytes == Array("foo".utf8))  // base32pad: 5 chars + 3 pads
        #expect(throws: MultiformatError.self) { try Multibase.decode("cmzxw6==") }
        #expect(throws: MultiformatError.self) { try Multibase.decode("cmzxw6=====") }
        #expect(throws: MultiformatError.self) { try Multibase.decode("cmzxw=a=") }
    }

    @Test func caseInsensitiveOnlyWhereTheSpecSaysSo() throws {
        #expect(try Multibase.decode("BMZXW6").bytes == Array("foo".utf8))
        #expect(try Multibase.decode("bMzXw6").bytes == Array("foo".utf8))
        #expect(try Multibase.decode("kMZXW6").bytes == (try Multibase.decode("kmzxw6").bytes))
        #expect(try Multibase.decode("mZm9v").bytes != (try? Multibase.decode("mzM9V").bytes))
    }

    @Test func bigNumberCodingsBoundTheirInput() throws {
        let long = "z" + String(repeating: "2", count: BaseCoding.BigNumber.maximumLength + 1)
        #expect(throws: MultiformatError.self) { try Multibase.decode(long) }
    }
}
