import Hashing
import LightClient
import System
import Testing

@Suite struct KeccakTests {
    @Test(arguments: [
        ("", "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"),
        ("abc", "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45"),
        (
            "The quick brown fox jumps over the lazy dog",
            "4d741b6f1eb29cb2a9b9911c82f56fa8d73b04959d3d9d222895df6c0b28aa15"
        ),
    ])
    func knownDigests(input: String, expected: String) {
        #expect(Hex.encode(Keccak256.hash(Array(input.utf8)), prefixed: false) == expected)
    }

    @Test func isNotNISTSHA3() {
        // SHA3-256("") differs only in the padding byte; a mix-up would produce this value.
        #expect(
            Hex.encode(Keccak256.hash([]), prefixed: false)
                != "a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a")
    }

    /// Every split of a message spanning block boundaries hashes like the one-shot call.
    @Test func incrementalMatchesOneShot() {
        let message = (0..<700).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        for length in [0, 1, 135, 136, 137, 271, 272, 273, 700] {
            let whole = Keccak256.hash(message[..<length])
            for split in stride(from: 0, through: length, by: 17) {
                var hasher = Keccak256()
                hasher.update(message[..<split])
                hasher.update(message[split..<length])
                #expect(hasher.finalize() == whole, "length \(length), split \(split)")
            }
            var bytewise = Keccak256()
            for byte in message[..<length] { bytewise.update(CollectionOfOne(byte)) }
            #expect(bytewise.finalize() == whole)
        }
    }

    /// A non-contiguous sequence takes the copying path and agrees with the contiguous one.
    @Test func nonContiguousInput() {
        let lazy = (0..<300).lazy.map { UInt8(truncatingIfNeeded: $0) }
        #expect(Keccak256.hash(lazy) == Keccak256.hash(Array(lazy)))
    }
}
