import Hashing
import System
import TestSupport
import Testing

@testable import Cache

/// Expected values were produced by PyPI's `multiformats` 0.3.1 (see the acceptance cross-check for more).
@Suite struct CIDTests {
    static let helloRaw = "bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e"

    @Test func rawCIDOfKnownContent() throws {
        let cid = try CID.sha256(Array("hello world".utf8))
        #expect(cid.description == Self.helloRaw)
        #expect(cid.bytes.hexString == "01551220b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9")
        #expect(cid.string(in: .base36) == "k2cwued9o1pvrt3q271rrqbo49x30tbxwpoeaq75z14e5ui2rzygpbe1")
        #expect(cid.string(in: .base58btc) == "zb2rhj7crUKTQYRGCRATFaQ6YFLTde2YzdqbbhAASkL9uRDXn")
        #expect(try CID(Self.helloRaw) == cid)
        #expect(try CID("k2cwued9o1pvrt3q271rrqbo49x30tbxwpoeaq75z14e5ui2rzygpbe1") == cid)
        #expect(try CID(bytes: cid.bytes) == cid)
        #expect(cid.multihash.matches(Array("hello world".utf8)))
        #expect(!cid.multihash.matches(Array("hello world!".utf8)))
    }

    @Test func otherCodecs() throws {
        let digest = Multihash.sha256(of: Array("hello world".utf8))
        #expect(
            try CID(codec: .dagCBOR, multihash: digest).description
                == "bafyreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e")
        #expect(
            try CID(codec: .dagJSON, multihash: digest).description
                == "baguqeeraxfgspomtju7arjjokll5u7nl7lcij37dpjjyb3uqrd32zyxpzxuq")
        #expect(try CID(codec: .raw, multihash: .identity(of: [])).description == "bafkqaaa")
    }

    @Test func v0AndV1Convert() throws {
        let v0 = try CID("QmdfTbBqBPQ7VNxZEYEj14VmRuZBkqFbiwReogJgS1zR1n")
        #expect(v0.version == .v0 && v0.codec == .dagPB)
        #expect(v0.description == "QmdfTbBqBPQ7VNxZEYEj14VmRuZBkqFbiwReogJgS1zR1n")
        #expect(v0.v1.string(in: .base58btc) == "zdj7Wkkhxcu2rsiN6GUyHCLsSLL47kdUNfjbFqBUUhMFTZKBi")
        #expect(try CID(v0.v1.description) == v0.v1)
        #expect(try v0.v1.v0() == v0)
        #expect(try CID(bytes: v0.bytes) == v0)
        #expect(throws: MultiformatError.self) { try CID.sha256([1, 2, 3]).v0() }
    }

    @Test func rejectsMalformedCIDs() throws {
        let bad: [String] = [
            "", "Qm", "QmdfTbBqBPQ7VNxZEYEj14VmRuZBkqFbiwReogJgS1zR10",  // "0" is not base58btc
            "bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5",  // truncated
            "bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5eaa",  // trailing bytes
            "xafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e",  // unknown multibase
            "bahkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e",  // version 0x1c... not 1
        ]
        for text in bad {
            #expect(throws: MultiformatError.self, "\(text)") { try CID(text) }
        }
        // Version 2, an unknown codec, an unknown hash function, a wrong digest length.
        let digest = [UInt8](repeating: 7, count: 32)
        #expect(throws: MultiformatError.unsupportedCIDVersion(2)) { try CID(bytes: [2, 0x55, 0x12, 0x20] + digest) }
        #expect(throws: MultiformatError.unsupportedCodec(0x99)) {
            try CID(bytes: [1, 0x99, 0x01, 0x12, 0x20] + digest)
        }
        #expect(throws: MultiformatError.unsupportedHashFunction(0x13)) {
            try CID(bytes: [1, 0x55, 0x13, 0x20] + digest)
        }
        #expect(throws: MultiformatError.wrongDigestLength(code: 0x12, expected: 32, actual: 31)) {
            try CID(bytes: [1, 0x55, 0x12, 0x1F] + digest.dropLast())
        }
        #expect(throws: MultiformatError.truncated) { try CID(bytes: [1, 0x55, 0x12, 0x21] + digest) }
        // A non-minimal codec varint (0x55 as 0xD5 0x00).
        #expect(throws: MultiformatError.nonCanonicalVarint) { try CID(bytes: [1, 0xD5, 0x00, 0x12, 0x20] + digest) }
    }
}

@Suite struct VarintTests {
    /// The unsigned-varint spec's examples.
    @Test func specExamples() throws {
        let examples: [(UInt64, [UInt8])] = [
            (1, [0x01]), (127, [0x7F]), (128, [0x80, 0x01]), (255, [0xFF, 0x01]), (300, [0xAC, 0x02]),
            (16384, [0x80, 0x80, 0x01]), ((1 << 63) - 1, [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F]),
        ]
        for (value, bytes) in examples {
            #expect(Varint.encode(value) == bytes)
            let decoded = try Varint.decode(bytes)
            #expect(decoded.value == value && decoded.length == bytes.count)
        }
    }

    @Test func strictness() throws {
        #expect(throws: MultiformatError.truncatedVarint) { try Varint.decode([UInt8]()) }
        #expect(throws: MultiformatError.truncatedVarint) { try Varint.decode([0x80]) }
        #expect(throws: MultiformatError.nonCanonicalVarint) { try Varint.decode([0x81, 0x00]) }
        #expect(throws: MultiformatError.nonCanonicalVarint) { try Varint.decode([0x80, 0x80, 0x00]) }
        #expect(throws: MultiformatError.varintTooLarge) { try Varint.decode([UInt8](repeating: 0xFF, count: 9) + [1]) }
        #expect(try Varint.decode([0x00]).value == 0)
    }
}

/// The constants against the multicodec registry (`Tests/Vectors/multicodec/table.csv`).
@Suite struct MulticodecRegistryTests {
    @Test func constantsMatchTheRegistry() throws {
        let (header, rows) = try TestData.csvRows("multicodec/table.csv")
        #expect(header.prefix(3) == ["name", "tag", "code"])
        var registry: [String: UInt64] = [:]
        for row in rows {
            let hex = row[2].hasPrefix("0x") ? String(row[2].dropFirst(2)) : row[2]
            registry[row[0]] = UInt64(hex, radix: 16)
        }
        for codec in Multicodec.contentCodecs + [.identity, .sha2_256] {
            #expect(registry[codec.name] == codec.rawValue, "\(codec.name)")
        }
    }
}
