import Hashing
import System
import Testing

struct HexTests {
    @Test func encodesLowercase() {
        #expect([0x00, 0x01, 0xAB, 0xFF].hexString == "0001abff")
        #expect(([] as [UInt8]).hexString == "")
        #expect(Hex.encode([0xDE, 0xAD, 0xBE, 0xEF], prefixed: false) == "deadbeef")
    }

    @Test func decodesEitherCase() {
        #expect(Hex.decode("deadBEEF", prefix: .forbidden) == [0xDE, 0xAD, 0xBE, 0xEF])
        #expect(Hex.decode("", prefix: .forbidden) == [])
    }

    @Test(arguments: [0, 1, 2, 31, 32, 255, 1024])
    func roundTripsRandomBytes(count: Int) {
        let bytes = SecureRandom.bytes(count)
        #expect(Hex.decode(bytes.hexString, prefix: .forbidden) == bytes)
    }

    @Test func roundTripsEveryByteValue() {
        let all = (0...255).map { UInt8($0) }
        #expect(Hex.decode(all.hexString, prefix: .forbidden) == all)
        #expect(Hex.decode(all.hexString.uppercased(), prefix: .forbidden) == all)
    }

    @Test(arguments: ["0", "abc", "zz", "0g", "g0", " 00", "00 ", "0x00", "-1", "é0", "0\u{0}"])
    func rejectsBadHex(text: String) {
        #expect(Hex.decode(text, prefix: .forbidden) == nil)
    }
}
