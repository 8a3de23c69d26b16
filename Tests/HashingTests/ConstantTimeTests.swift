import Hashing
import Testing

struct ConstantTimeTests {
    @Test func equalBytesCompareEqual() {
        let digest = SHA256.hash(Array("key".utf8))
        #expect(constantTimeEquals(digest, Array(digest)))
        #expect(constantTimeEquals([], []))
    }

    @Test(arguments: [0, 15, 31])
    func singleByteDifferenceIsUnequal(position: Int) {
        let a = SHA256.hash(Array("key".utf8))
        var b = a
        b[position] ^= 0x01
        #expect(!constantTimeEquals(a, b))
    }

    @Test func differentLengthsAreUnequal() {
        #expect(!constantTimeEquals([1, 2, 3], [1, 2]))
        #expect(!constantTimeEquals([], [0]))
        #expect(!constantTimeEquals([0], []))
    }
}
