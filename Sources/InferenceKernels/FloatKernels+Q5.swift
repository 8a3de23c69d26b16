/// Q5_0 and Q5_1 rows times `Float` vectors. A block of 32 weights is an f16 scale `d` (Q5_1: then an f16 minimum
/// `m`), a 32-bit word whose bit `i` is the fifth bit of weight `i`, and 16 bytes of nibbles (low nibbles are weights
/// 0..<16, high nibbles 16..<32). Q5_0 weights are `d * (q - 16)`, Q5_1 weights `d * q + m`, for the 5-bit `q`.
/// llama.cpp quantizes to these where a K-quant does not fit: rows that are not whole blocks of 256.
extension FloatKernels {
    /// The 5-bit values of the block whose bit word is at `offset` and nibbles at `offset + 4`: weights 0..<16 and
    /// 16..<32.
    @inline(__always)
    static func fiveBitQuants(_ pointer: UnsafeRawPointer, _ offset: Int) -> (SIMD16<UInt8>, SIMD16<UInt8>) {
        let bits = unsafe pointer.loadUnaligned(fromByteOffset: offset, as: UInt32.self).littleEndian
        let nibbles = unsafe bytes(pointer, offset + 4)
        return ((nibbles & 0x0F) | fifthBits(bits), (nibbles &>> 4) | fifthBits(bits >> 16))
    }

    /// 16 for each of the low 16 bits of `bits` that is set, lane `i` for bit `i`; 0 elsewhere.
    @inline(__always)
    static func fifthBits(_ bits: UInt32) -> SIMD16<UInt8> {
        let lanes = SIMD16<UInt8>(
            lowHalf: SIMD8(repeating: UInt8(truncatingIfNeeded: bits)),
            highHalf: SIMD8(repeating: UInt8(truncatingIfNeeded: bits >> 8)))
        let masks: SIMD16<UInt8> = [1, 2, 4, 8, 16, 32, 64, 128, 1, 2, 4, 8, 16, 32, 64, 128]
        return SIMD16(repeating: 0).replacing(with: 16, where: lanes & masks .!= 0)
    }

    public static func q5_0(_ row: UnsafeRawPointer, _ x: UnsafePointer<Float>, _ count: Int) -> Float {
        var sum = Vector()
        for block in 0..<count / 32 {
            let base = unsafe row + 22 * block
            let (low, high) = unsafe fiveBitQuants(base, 2)
            let x0 = unsafe load(x, 32 * block)
            let x1 = unsafe load(x, 32 * block + 16)
            let products = (floats(low) - 16) * x0 + (floats(high) - 16) * x1
            sum += unsafe half(base, 0) * products
        }
        return sum.sum()
    }

    public static func q5_1(_ row: UnsafeRawPointer, _ x: UnsafePointer<Float>, _ count: Int) -> Float {
        var sum = Vector()
        for block in 0..<count / 32 {
            let base = unsafe row + 24 * block
            let (low, high) = unsafe fiveBitQuants(base, 4)
            let x0 = unsafe load(x, 32 * block)
            let x1 = unsafe load(x, 32 * block + 16)
            let products = floats(low) * x0 + floats(high) * x1
            sum += unsafe half(base, 0) * products + half(base, 2) * (x0 + x1)
        }
        return sum.sum()
    }
}
