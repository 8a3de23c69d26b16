import Hashing
import Testing

struct SecureRandomTests {
    @Test(arguments: [0, 1, 16, 32, 4096])
    func returnsRequestedCount(count: Int) {
        #expect(SecureRandom.bytes(count).count == count)
    }

    @Test func drawsDiffer() {
        // Two equal 32-byte draws happen with probability 2^-256.
        #expect(SecureRandom.bytes(32) != SecureRandom.bytes(32))
    }

    @Test func largeDrawIsNotConstant() {
        let bytes = SecureRandom.bytes(4096)
        #expect(Set(bytes).count > 200)
    }
}
