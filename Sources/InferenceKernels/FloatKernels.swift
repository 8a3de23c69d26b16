/// The float-activation kernels: one dot product of a GGML row (f32, f16, q8_0, q4_0, q4_1, q4_K, q6_K) with a
/// `Float` vector, dequantizing on the fly with SIMD; `IntegerKernels` shares their loads.
///
/// Compiled twice, from the same files: module `InferenceKernels` for the baseline target and
/// `InferenceKernelsAVX2` with `-target-cpu haswell`; `Inference` picks one at run time by the CPU's features.
/// Callers pass a row and a vector whose lengths they checked: the functions read `count` elements.
public enum FloatKernels {
    typealias Vector = SIMD16<Float>

    @inline(__always)
    static func load(_ x: UnsafePointer<Float>, _ index: Int) -> Vector {
        unsafe UnsafeRawPointer(x + index).loadUnaligned(as: Vector.self)
    }

    @inline(__always)
    static func half(_ pointer: UnsafeRawPointer, _ offset: Int) -> Float {
        floatFromHalf(UInt16(littleEndian: unsafe pointer.loadUnaligned(fromByteOffset: offset, as: UInt16.self)))
    }

    /// The `Float` value of an IEEE half. Normal halves are rebiased with integer operations: without F16C (the
    /// default x86-64 target) `Float(Float16)` is a library call, twice per block in the Q4_1 kernels. Zeros,
    /// subnormals, infinities and NaNs take the library conversion.
    @inline(__always)
    public static func floatFromHalf(_ bits: UInt16) -> Float {
        let exponent = bits & 0x7C00
        guard exponent != 0, exponent != 0x7C00 else { return Float(Float16(bitPattern: bits)) }
        // Sign to bit 31; exponent and mantissa up 13 bits; exponent bias 15 -> 127.
        return Float(bitPattern: UInt32(bits & 0x8000) << 16 | (UInt32(bits & 0x7FFF) << 13 + 0x3800_0000))
    }

    /// Byte lanes as floats; an inlined loop the optimizer turns into widening vector conversions (the standard
    /// library's generic initializer is left as an out-of-line call, several times slower here).
    @inline(__always)
    static func floats(_ lanes: SIMD16<UInt8>) -> Vector {
        var result = Vector()
        for lane in 0..<16 { result[lane] = Float(lanes[lane]) }
        return result
    }

    @inline(__always)
    static func floats(_ lanes: SIMD16<Int8>) -> Vector {
        var result = Vector()
        for lane in 0..<16 { result[lane] = Float(lanes[lane]) }
        return result
    }

    @inline(__always)
    static func floats(_ lanes: SIMD16<Float16>) -> Vector {
        var result = Vector()
        for lane in 0..<16 { result[lane] = Float(lanes[lane]) }
        return result
    }

    @inline(__always)
    static func bytes(_ pointer: UnsafeRawPointer, _ offset: Int) -> SIMD16<UInt8> {
        unsafe pointer.loadUnaligned(fromByteOffset: offset, as: SIMD16<UInt8>.self)
    }

    public static func f32(_ row: UnsafeRawPointer, _ x: UnsafePointer<Float>, _ count: Int) -> Float {
        var sum = Vector()
        var index = 0
        while index + 16 <= count {
            sum += unsafe row.loadUnaligned(fromByteOffset: 4 * index, as: Vector.self) * load(x, index)
            index += 16
        }
        var total = sum.sum()
        while index < count {
            total += unsafe row.loadUnaligned(fromByteOffset: 4 * index, as: Float.self) * x[index]
            index += 1
        }
        return total
    }

    public static func f16(_ row: UnsafeRawPointer, _ x: UnsafePointer<Float>, _ count: Int) -> Float {
        var sum = Vector()
        var index = 0
        while index + 16 <= count {
            let halves = unsafe row.loadUnaligned(fromByteOffset: 2 * index, as: SIMD16<Float16>.self)
            sum += unsafe floats(halves) * load(x, index)
            index += 16
        }
        var total = sum.sum()
        while index < count {
            total += unsafe half(row, 2 * index) * x[index]
            index += 1
        }
        return total
    }

    public static func q8_0(_ row: UnsafeRawPointer, _ x: UnsafePointer<Float>, _ count: Int) -> Float {
        var sum = Vector()
        for block in 0..<count / 32 {
            let base = unsafe row + 34 * block
            let low = unsafe base.loadUnaligned(fromByteOffset: 2, as: SIMD16<Int8>.self)
            let high = unsafe base.loadUnaligned(fromByteOffset: 18, as: SIMD16<Int8>.self)
            let products = unsafe floats(low) * load(x, 32 * block) + floats(high) * load(x, 32 * block + 16)
            sum += unsafe half(base, 0) * products
        }
        return sum.sum()
    }

    public static func q4_0(_ row: UnsafeRawPointer, _ x: UnsafePointer<Float>, _ count: Int) -> Float {
        var sum = Vector()
        for block in 0..<count / 32 {
            let base = unsafe row + 18 * block
            let quants = unsafe bytes(base, 2)
            let low = floats(quants & 0x0F) - 8
            let high = floats(quants &>> 4) - 8
            let products = unsafe low * load(x, 32 * block) + high * load(x, 32 * block + 16)
            sum += unsafe half(base, 0) * products
        }
        return sum.sum()
    }

    public static func q4_1(_ row: UnsafeRawPointer, _ x: UnsafePointer<Float>, _ count: Int) -> Float {
        var sum = Vector()
        for block in 0..<count / 32 {
            let base = unsafe row + 20 * block
            let quants = unsafe bytes(base, 4)
            let x0 = unsafe load(x, 32 * block)
            let x1 = unsafe load(x, 32 * block + 16)
            let products = floats(quants & 0x0F) * x0 + floats(quants &>> 4) * x1
            sum += unsafe half(base, 0) * products + half(base, 2) * (x0 + x1)
        }
        return sum.sum()
    }

    /// Q4_K's eight 6-bit scales and minimums, unpacked from the 12 bytes at `packed`.
    @inline(__always)
    static func scalesAndMinimums(_ packed: UnsafeRawPointer) -> (SIMD8<Float>, SIMD8<Float>) {
        var scales = SIMD8<Float>()
        var minimums = SIMD8<Float>()
        for index in 0..<4 {  // sub-blocks 0..<4: the low 6 bits of bytes 0..<4 (scales) and 4..<8 (minimums)
            let scaleByte = unsafe packed.load(fromByteOffset: index, as: UInt8.self)
            let minimumByte = unsafe packed.load(fromByteOffset: index + 4, as: UInt8.self)
            let sharedByte = unsafe packed.load(fromByteOffset: index + 8, as: UInt8.self)
            scales[index] = Float(scaleByte & 63)
            minimums[index] = Float(minimumByte & 63)
            // Sub-blocks 4..<8: a nibble of bytes 8..<12 below the top two bits of bytes 0..<4 / 4..<8.
            scales[index + 4] = Float((sharedByte & 0x0F) | (scaleByte >> 6) << 4)
            minimums[index + 4] = Float((sharedByte >> 4) | (minimumByte >> 6) << 4)
        }
        return (scales, minimums)
    }

    public static func q4_K(_ row: UnsafeRawPointer, _ x: UnsafePointer<Float>, _ count: Int) -> Float {
        var total: Float = 0
        for block in 0..<count / 256 {
            let base = unsafe row + 144 * block
            let (scales, minimums) = unsafe scalesAndMinimums(base + 4)
            let factors = unsafe half(base, 0) * scales
            let offsets = unsafe half(base, 2) * minimums
            let xs = unsafe x + 256 * block
            var sum = Vector()
            for chunk in 0..<4 {  // 32 bytes: low nibbles are sub-block 2c, high nibbles 2c+1
                let first = unsafe bytes(base, 16 + 32 * chunk)
                let second = unsafe bytes(base, 32 + 32 * chunk)
                let x0 = unsafe load(xs, 64 * chunk)
                let x1 = unsafe load(xs, 64 * chunk + 16)
                let x2 = unsafe load(xs, 64 * chunk + 32)
                let x3 = unsafe load(xs, 64 * chunk + 48)
                let lowDot = floats(first & 0x0F) * x0 + floats(second & 0x0F) * x1
                let highDot = floats(first &>> 4) * x2 + floats(second &>> 4) * x3
                let lowSum: Vector = x0 + x1
                let highSum: Vector = x2 + x3
                let lowFactor = factors[2 * chunk]
                let highFactor = factors[2 * chunk + 1]
                let lowOffset = offsets[2 * chunk]
                let highOffset = offsets[2 * chunk + 1]
                sum += lowFactor * lowDot - lowOffset * lowSum
                sum += highFactor * highDot - highOffset * highSum
            }
            total += sum.sum()
        }
        return total
    }

    /// One Q6_K group of 16: `scale * subScale * (quants - 32) · x`, the sub-scale at `scales + 2 * group`.
    @inline(__always)
    static func term(
        _ quants: SIMD16<UInt8>, _ scale: Float, _ scales: UnsafeRawPointer, _ group: Int, _ xs: UnsafePointer<Float>
    ) -> Vector {
        let subScale = Int8(bitPattern: unsafe scales.load(fromByteOffset: 2 * group, as: UInt8.self))
        return unsafe (scale * Float(subScale)) * ((floats(quants) - 32) * load(xs, 32 * group))
    }

    public static func q6_K(_ row: UnsafeRawPointer, _ x: UnsafePointer<Float>, _ count: Int) -> Float {
        var sum = Vector()
        for block in 0..<count / 256 {
            let base = unsafe row + 210 * block
            let scale = unsafe half(base, 208)
            let xs = unsafe x + 256 * block
            for part in 0..<2 {  // 128 elements: 64 bytes of low nibbles, 32 bytes of 2-bit pairs, 8 scales
                for piece in 0..<2 {  // 16 elements of each of the four groups
                    let low0 = unsafe bytes(base, 64 * part + 16 * piece)
                    let low1 = unsafe bytes(base, 64 * part + 32 + 16 * piece)
                    let high = unsafe bytes(base, 128 + 32 * part + 16 * piece)
                    let scales = unsafe base + 192 + 8 * part + piece
                    let pieceX = unsafe xs + 128 * part + 16 * piece
                    let group0 = (low0 & 0x0F) | ((high & 3) &<< 4)
                    let group1 = (low1 & 0x0F) | (((high &>> 2) & 3) &<< 4)
                    let group2 = (low0 &>> 4) | (((high &>> 4) & 3) &<< 4)
                    let group3 = (low1 &>> 4) | ((high &>> 6) &<< 4)
                    sum += unsafe term(group0, scale, scales, 0, pieceX)
                    sum += unsafe term(group1, scale, scales, 1, pieceX)
                    sum += unsafe term(group2, scale, scales, 2, pieceX)
                    sum += unsafe term(group3, scale, scales, 3, pieceX)
                }
            }
        }
        return sum.sum()
    }
}
