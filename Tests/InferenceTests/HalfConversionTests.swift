import InferenceKernels
import Testing

@testable import Inference

@Suite("IEEE half to Float")
struct HalfConversionTests {
    /// Every one of the 65,536 bit patterns converts to the same Float bits as the standard library's conversion.
    @Test func everyHalfMatchesTheStandardLibrary() {
        var mismatches: [UInt16] = []
        for bits in UInt16.min...UInt16.max {
            let expected = Float(Float16(bitPattern: bits)).bitPattern
            if FloatKernels.floatFromHalf(bits).bitPattern != expected { mismatches.append(bits) }
        }
        #expect(mismatches.isEmpty, "first mismatches: \(mismatches.prefix(8))")
    }
}
