import Hashing
import Testing

struct HexCodingTests {
    @Test func encodesLowercase() {
        #expect([0x00, 0x01, 0xAB, 0xFF].hexString == "0001abff")
        #expect(([] as [UInt8]).hexString == "")
        #expect(HexCoding.encode([0xDE, 0xAD, 0xBE, 0xEF]) == "deadbeef")
    }

    @Test func decodesEitherCase() {
        #expect(HexCoding.decode("deadBEEF") == [0xDE, 0xAD, 0xBE, 0xEF])
        #expect(HexCoding.decode("") == [])
    }

    @Test(arguments: [0, 1, 2, 31, 32, 255, 1024])
    func roundTripsRandomBytes(count: Int) {
        let bytes = SecureRandom.bytes(count)
        #expect(HexCoding.decode(bytes.hexString) == bytes)
    }

    @Test func roundTripsEveryByteValue() {
        let all = (0...255).map { UInt8($0) }
        #expect(HexCoding.decode(all.hexString) == all)
        #expect(HexCoding.decode(all.hexString.uppercased()) == all)
    }

    @Test(arguments: ["0", "abc", "zz", "0g", "g0", " 00", "00 ", "0x00", "-1", "é0", "0\u{0}"])
    func rejectsBadHex(text: String) {
        #expect(HexCoding.decode(text) == nil)
    }
}
