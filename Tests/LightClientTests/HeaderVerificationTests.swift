import Foundation
import JSON
import LightClient
import System
import TestSupport
import Testing

/// Block headers decoded from untrusted JSON, re-encoded and hashed: Nitro-shaped headers built and hashed by PyPI's
/// rlp and pycryptodome (Fixtures/reference.py), tampered copies, malformed objects, and parent-hash chains.
@Suite struct HeaderVerificationTests {
    /// Eight Arbitrum Nitro-shaped headers (the send root as extraData; send count, L1 block and ArbOS version in
    /// mixHash; the sequencer as miner) with their reference hashes, asked once per test run.
    static let nitroHeaders = Task { () async throws -> [JSONObject] in
        let answer = try await ReferencePython.ask(["nitroHeaders": ["seed": 2026, "count": 8]])
        let list = try #require(answer["nitroHeaders"] as? [Any])
        return try list.map { header in
            let bytes = try [UInt8](JSONSerialization.data(withJSONObject: header))
            return try #require(try JSONValue.parse(bytes).objectValue)
        }
    }

    static func header() async throws -> JSONObject {
        try #require(try await nitroHeaders.value.first)
    }

    @Test func nitroHeadersHashAsTheReferenceHashesThem() async throws {
        let headers = try await Self.nitroHeaders.value
        #expect(headers.count == 8)
        for json in headers {
            let header = try UntrustedBlockHeader(json: json).verify()
            #expect(Hex.encode(header.hash) == json["hash"]?.stringValue)
            // Nitro's own fields live inside the Ethereum ones: the send root is extraData, mixHash packs the send
            // count and the L1 block number.
            #expect(Hex.encode(header.extraData) == json["sendRoot"]?.stringValue)
            let sendCount = header.mixHash[0..<8].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            let l1Block = header.mixHash[8..<16].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            #expect(UInt256(sendCount).hexString == json["sendCount"]?.stringValue)
            #expect(UInt256(l1Block).hexString == json["l1BlockNumber"]?.stringValue)
        }
    }

    /// Each hashed field, changed, breaks the hash; the error carries the claimed hash and the one found.
    @Test(arguments: [
        "parentHash", "sha3Uncles", "miner", "stateRoot", "transactionsRoot", "receiptsRoot", "logsBloom",
        "difficulty", "number", "gasLimit", "gasUsed", "timestamp", "extraData", "mixHash", "nonce", "baseFeePerGas",
    ])
    func aTamperedFieldIsCaught(_ field: String) async throws {
        var json = try await Self.header()
        let original = try #require(json[field]?.stringValue)
        let last = original.last!
        json[field] = .string(String(original.dropLast()) + (last == "2" ? "3" : "2"))
        let untrusted = try UntrustedBlockHeader(json: json)
        #expect(
            throws: VerificationError.headerHashMismatch(expected: untrusted.claimedHash, found: untrusted.fields.hash)
        ) {
            try untrusted.verify()
        }
    }

    @Test func theHashAskedForMustMatchToo() async throws {
        let untrusted = try UntrustedBlockHeader(json: try await Self.header())
        let other = [UInt8](repeating: 0xAB, count: 32)
        #expect(throws: VerificationError.headerHashMismatch(expected: other, found: untrusted.claimedHash)) {
            try untrusted.verify(expectedHash: other)
        }
    }

    static let malformed: [(field: String, value: JSONValue?, reason: String)] = [
        ("stateRoot", nil, "missing"),
        ("stateRoot", .string("0x1234"), "data has 2 bytes, expected 32"),
        ("number", .string("0x05bc4077"), "quantity has leading zeros"),
        ("number", .string("0x1" + String(repeating: "0", count: 16)), "quantity exceeds 64 bits"),
        ("gasUsed", .int(5), "quantity is not a string"),
        ("miner", .string("0xa4b0"), "data has 2 bytes, expected 20"),
        ("extraData", .string("0x" + String(repeating: "ab", count: 1025)), "1025 bytes, at most 1024 allowed"),
        ("logsBloom", .string("0xzz"), "data is not 0x-prefixed even-length hex"),
        ("withdrawalsRoot", .string("0x" + String(repeating: "00", count: 32)), ""),
    ]

    @Test(arguments: 0..<malformed.count)
    func malformedHeaderJSONIsATypedError(_ index: Int) async throws {
        let (field, value, reason) = Self.malformed[index]
        var json = try await Self.header()
        json[field] = value
        if field == "withdrawalsRoot" {
            json["baseFeePerGas"] = nil  // A later fork's field without the earlier one's.
            #expect(throws: VerificationError.malformed(field: field, reason: "present without baseFeePerGas")) {
                try UntrustedBlockHeader(json: json)
            }
            return
        }
        #expect(throws: VerificationError.malformed(field: field, reason: reason)) {
            try UntrustedBlockHeader(json: json)
        }
    }

    @Test func aChainLinksByParentHash() async throws {
        let parent = try UntrustedBlockHeader(json: try await Self.header()).verify()
        var child = parent
        child.number += 1
        child.parentHash = parent.hash
        try HeaderChain.verifyLinks([parent, child])
        var stranger = child
        stranger.parentHash = [UInt8](repeating: 7, count: 32)
        #expect(
            throws: VerificationError.brokenChain(
                number: child.number, expected: parent.hash, found: stranger.parentHash)
        ) { try HeaderChain.verifyLinks([parent, stranger]) }
        var gap = child
        gap.number += 1
        #expect(
            throws: VerificationError.wrongBlock(
                expected: BlockReference(number: parent.number + 1), found: BlockReference(number: gap.number))
        ) { try HeaderChain.verifyLinks([parent, gap]) }
    }
}
