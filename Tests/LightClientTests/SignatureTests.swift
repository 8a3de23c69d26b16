import Hashing
import LightClient
import System
import TestSupport
import Testing

@Suite struct SignatureTests {
    static let digest = Keccak256.hash(Array("cortensor".utf8))
    static let n = Signature.groupOrder

    static func sample() throws -> Signature {
        try PrivateKey(bytes: [UInt8](repeating: 0x46, count: 32)).sign(digest: digest)
    }

    @Test func signaturesAreLowSAndRoundTrip() throws {
        var generator = SplitMix64(seed: 40)
        for _ in 0..<100 {
            let key = try PrivateKey(bytes: (0..<32).map { _ in UInt8(truncatingIfNeeded: generator.next()) })
            let digest = (0..<32).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            let signature = try key.sign(digest: digest)
            #expect(signature.s <= Signature.halfGroupOrder)
            #expect(try Signature(bytes: signature.bytes) == signature)
            #expect(try signature.recoverPublicKey(digest: digest) == key.publicKey)
            #expect(try key.sign(digest: digest) == signature, "RFC 6979 nonces are deterministic")
        }
    }

    /// (r, n − s, 1 − v) verifies mathematically too; EIP-2 forbids it and so do we.
    @Test func highSTwinIsRejected() throws {
        let signature = try Self.sample()
        #expect(throws: SignatureError.highS) {
            try Signature(r: signature.r, s: Self.n - signature.s, yParity: 1 - signature.yParity)
        }
    }

    @Test func malformedSignaturesAreRejected() throws {
        let good = try Self.sample().bytes
        #expect(throws: SignatureError.invalidLength(expected: 65, found: 64)) { try Signature(bytes: good.prefix(64)) }
        for v: UInt8 in [2, 26, 29, 35, 255] {
            var bytes = good
            bytes[64] = v
            #expect(throws: SignatureError.invalidRecoveryID(found: UInt256(UInt64(v)))) {
                try Signature(bytes: bytes)
            }
        }
        let s = UInt256(bigEndianBytes: good[32..<64])!
        #expect(throws: SignatureError.scalarOutOfRange) { try Signature(r: .zero, s: s, yParity: 0) }
        #expect(throws: SignatureError.scalarOutOfRange) { try Signature(r: Self.n, s: s, yParity: 0) }
        #expect(throws: SignatureError.scalarOutOfRange) { try Signature(r: .max, s: s, yParity: 0) }
        #expect(throws: SignatureError.scalarOutOfRange) { try Signature(r: s, s: .zero, yParity: 0) }
        #expect(throws: SignatureError.invalidRecoveryID(found: 2)) { try Signature(r: s, s: s, yParity: 2) }
        #expect(throws: SignatureError.invalidDigestLength(found: 31)) {
            try Self.sample().recoverAddress(digest: [UInt8](repeating: 0, count: 31))
        }
    }

    /// An r that is no point's x coordinate recovers nothing: a typed error, not a crash.
    @Test func unrecoverableSignatureIsATypedError() throws {
        // x = 5 is not on secp256k1 (5^3 + 7 = 132 is not a square mod p), so no key has this r.
        let signature = try Signature(r: 5, s: 1, yParity: 0)
        #expect(throws: SignatureError.recoveryFailed) { try signature.recoverAddress(digest: Self.digest) }
    }

    @Test func personalMessageDigestUsesTheEIP191Prefix() {
        let message = Array("hello".utf8)
        let expected = Keccak256.hash(Array("\u{19}Ethereum Signed Message:\n5hello".utf8))
        #expect(PersonalMessage.digest(message) == expected)
    }

    /// The `sign_message` example in eth-account's documentation.
    @Test func personalMessageVector() throws {
        let key = try PrivateKey(
            bytes: try #require(Hex.decode("b25c7db31feed9122727bf0939dc769a96564b2de4c4726d035b36ecf1e5b364")))
        let signature = PersonalMessage.sign(Array("I♥SF".utf8), with: key)
        #expect(
            Hex.encode(signature.bytes, prefixed: false)
                == "e6ca9bba58c88611fad66a6ce8f996908195593807c4b38bd528d2cff09d4eb3"
                + "3e5bfbbf4d3e39b1a2fd816a7680c19ebebaf3a141b239934ad43cb33fcec8ce1c")
    }

    @Test func personalMessageRoundTrip() throws {
        let key = try PrivateKey(bytes: [UInt8](repeating: 7, count: 32))
        let message = Array("I♥SF".utf8)
        let signature = PersonalMessage.sign(message, with: key)
        #expect(try PersonalMessage.recoverAddress(message, signature: signature) == key.address)
        #expect(try PersonalMessage.recoverAddress(Array("I♥NY".utf8), signature: signature) != key.address)
    }
}
