/// Scalar conversion of Q5_0 and Q5_1 blocks (f16 scale, Q5_1's f16 minimum, a 32-bit word of fifth bits, 16 bytes
/// of nibbles) to `Float`, in `Dequantize`'s plain style.
extension Dequantize {
    /// The 5-bit value of element `index` (0..<32) of the block whose bit word starts at `bits`.
    private static func fiveBitQuant(_ block: Span<UInt8>, bits: Int, index: Int) -> Int {
        let nibble = (block[bits + 4 + index % 16] >> (index < 16 ? 0 : 4)) & 0x0F
        let fifth = (block[bits + index / 8] >> (index % 8)) & 1
        return Int(nibble | fifth << 4)
    }

    static func q5_0(_ block: Span<UInt8>, into output: inout [Float]) {
        let scale = half(block, 0)
        for index in 0..<32 { output.append(Float(fiveBitQuant(block, bits: 2, index: index) - 16) * scale) }
    }

    static func q5_1(_ block: Span<UInt8>, into output: inout [Float]) {
        let scale = half(block, 0)
        let minimum = half(block, 2)
        for index in 0..<32 { output.append(Float(fiveBitQuant(block, bits: 4, index: index)) * scale + minimum) }
    }
}
