import Hashing
import System
import Testing

/// FIPS 180-2 appendix B / RFC 6234 section 8.5 test vectors for SHA-256.
struct SHA256Tests {
    static let vectors: [(message: String, digest: String)] = [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        (
            "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        ),
        (
            "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
            "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"
        ),
    ]

    @Test(arguments: vectors)
    func publishedVector(message: String, digest: String) {
        #expect(SHA256.hash(Array(message.utf8)).hexString == digest)
        #expect(SHA256.hash(message.utf8).hexString == digest)
    }

    @Test func millionAs() {
        let message = [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)
        #expect(SHA256.hash(message).hexString == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func nonContiguousSequenceMatchesArray() {
        let lazyBytes = (0..<1000).lazy.map { UInt8(truncatingIfNeeded: $0 &* 7) }
        #expect(SHA256.hash(lazyBytes) == SHA256.hash(Array(lazyBytes)))
        #expect(SHA256.hash(AnySequence("abc".utf8)).hexString == Self.vectors[1].digest)
    }

    @Test func digestIsThirtyTwoBytesAndInputSensitive() {
        let a = SHA256.hash(Array("abc".utf8))
        let b = SHA256.hash(Array("abd".utf8))
        #expect(a.count == SHA256.digestLength)
        #expect(a != b)
    }
}
