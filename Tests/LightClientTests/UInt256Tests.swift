import LightClient
import System
import TestSupport
import Testing

@Suite struct UInt256Tests {
    static let maxDecimal = "115792089237316195423570985008687907853269984665640564039457584007913129639935"

    /// A random value whose limbs are each zero, small or full, so carries and short values both occur.
    static func random(_ generator: inout SplitMix64) -> UInt256 {
        func limb() -> UInt64 {
            switch generator.next() % 4 {
            case 0: 0
            case 1: generator.next() % 1000
            case 2: .max
            default: generator.next()
            }
        }
        return UInt256(w0: limb(), w1: limb(), w2: limb(), w3: limb())
    }

    @Test func decimalAndHexText() throws {
        #expect(UInt256.max.description == Self.maxDecimal)
        #expect(UInt256(decimal: Self.maxDecimal) == .max)
        #expect(
            UInt256(decimal: "115792089237316195423570985008687907853269984665640564039457584007913129639936") == nil)
        #expect(UInt256(decimal: "") == nil)
        #expect(UInt256(decimal: "12a") == nil)
        #expect(UInt256.zero.description == "0")
        #expect(UInt256(hex: "0x0") == .zero)
        #expect(UInt256(hex: "0x") == nil)
        #expect(UInt256(hex: "0xFF") == 255)
        #expect(UInt256(hex: String(repeating: "f", count: 64)) == .max)
        #expect(UInt256(hex: "1" + String(repeating: "0", count: 64)) == nil)
        #expect(UInt256(1000).hexString == "0x3e8")
        #expect(UInt256.zero.hexString == "0x0")
        let big = try #require(UInt256(decimal: "83729609699884896815286331701780722"))
        #expect(Hex.encode(big.minimalBigEndianBytes) == "0x102030405060708090a0b0c0d0e0f2")
    }

    @Test func bytes() {
        #expect(UInt256.zero.minimalBigEndianBytes == [])
        #expect(UInt256(0x0102).minimalBigEndianBytes == [1, 2])
        #expect(UInt256(0x0102).bigEndianBytes == [UInt8](repeating: 0, count: 30) + [1, 2])
        #expect(UInt256(bigEndianBytes: [UInt8](repeating: 0xFF, count: 32)) == .max)
        #expect(UInt256(bigEndianBytes: [UInt8](repeating: 0, count: 33)) == nil)
    }

    @Test func overflowReporting() {
        #expect(UInt256.max.addingReportingOverflow(.one) == (.zero, true))
        #expect(UInt256.zero.subtractingReportingOverflow(.one) == (.max, true))
        #expect((UInt256.one << 128).multipliedReportingOverflow(by: UInt256.one << 128) == (.zero, true))
        #expect((UInt256.one << 127).multipliedReportingOverflow(by: UInt256.one << 128) == (UInt256.one << 255, false))
        #expect(UInt256.max.multipliedReportingOverflow(by: .max) == (.one, true))
    }

    @Test func shifts() {
        #expect((UInt256.one << 255) >> 255 == .one)
        #expect(UInt256.one << 256 == .zero)
        #expect(UInt256.max >> 200 == UInt256(UInt64.max >> 8))
        #expect(UInt256(w0: 0x8000_0000_0000_0000, w1: 0, w2: 0, w3: 0) << 1 == UInt256(w0: 0, w1: 1, w2: 0, w3: 0))
    }

    /// Values below 2^128 agree with the standard library's UInt128.
    @Test func agreesWithUInt128() {
        var generator = SplitMix64(seed: 1)
        for _ in 0..<2000 {
            let a = UInt128(generator.next()) << 64 | UInt128(generator.next())
            let b = UInt128(generator.next() >> (generator.next() % 64))
            let wideA = UInt256(
                w0: UInt64(truncatingIfNeeded: a), w1: UInt64(truncatingIfNeeded: a >> 64), w2: 0, w3: 0)
            let wideB = UInt256(w0: UInt64(truncatingIfNeeded: b), w1: 0, w2: 0, w3: 0)
            #expect(
                (wideA + wideB).description == (UInt256(decimal: String(a))! + UInt256(decimal: String(b))!).description
            )
            #expect(wideA.description == String(a))
            if b != 0 {
                let (q, r) = wideA.quotientAndRemainder(dividingBy: wideB)
                #expect(q.description == String(a / b) && r.description == String(a % b))
            }
            let small = UInt256(w0: UInt64(truncatingIfNeeded: a), w1: 0, w2: 0, w3: 0)
            #expect((small * wideB).description == String(UInt128(UInt64(truncatingIfNeeded: a)) * b))
        }
    }

    /// Full-width identities on random values: division inverts multiplication, text and bytes round-trip.
    @Test func identities() {
        var generator = SplitMix64(seed: 2)
        for _ in 0..<2000 {
            let a = Self.random(&generator)
            let b = Self.random(&generator)
            #expect((a &+ b) &- b == a)
            #expect(UInt256(decimal: a.description) == a)
            #expect(UInt256(hex: a.hexString) == a)
            #expect(UInt256(bigEndianBytes: a.bigEndianBytes) == a)
            #expect(UInt256(bigEndianBytes: a.minimalBigEndianBytes) == a)
            #expect(a.minimalBigEndianBytes.first != 0)
            guard !b.isZero else { continue }
            let (q, r) = a.quotientAndRemainder(dividingBy: b)
            #expect(r < b)
            let (product, overflow) = q.multipliedReportingOverflow(by: b)
            #expect(!overflow && product + r == a)
            let shift = Int(generator.next() % 300)
            #expect((a << shift) >> shift == a & (UInt256.max >> shift))
            #expect(a ^ b ^ b == a && (a & ~a).isZero && (a | ~a) == .max)
        }
    }

    @Test func signed() throws {
        #expect(Int256(-1).bitPattern == .max)
        #expect(Int256(-1).description == "-1")
        #expect(Int256.min.description == "-" + (UInt256.one << 255).description)
        #expect(Int256(decimal: Int256.min.description) == .min)
        #expect(Int256(decimal: Int256.max.description) == .max)
        #expect(Int256(decimal: "57896044618658097711785492504343953926634992332820282019728792003956564819968") == nil)
        #expect(Int256(-5) < Int256(3) && Int256(-5) < Int256(-4) && !(Int256(3) < Int256(-5)))
        #expect(Int256(-128).fits(bits: 8) && !Int256(-129).fits(bits: 8))
        #expect(Int256(127).fits(bits: 8) && !Int256(128).fits(bits: 8))
        #expect(Int256.min.fits(bits: 256) && !Int256.min.fits(bits: 255))
        #expect(Int256(-1).magnitude == .one)
    }
}
