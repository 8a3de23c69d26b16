/// Activations quantized to 8 bits per block of 32, as GGML's reference `quantize_row_q8_0` does and PyPI gguf
/// reproduces: scale = max |x| / 127, quants = x / scale rounded half away from zero, the scale and the block's
/// scale × Σ quants stored as f16. Both builds give the same bytes (every step is exact or one IEEE operation).
public enum ActivationKernels {
    /// Quantizes `blockCount` blocks of 32 floats at `x`: quants to `q`, scales to `d`, sums to `s`.
    public static func quantize(
        _ x: UnsafePointer<Float>, _ blockCount: Int, _ q: UnsafeMutablePointer<Int8>,
        _ d: UnsafeMutablePointer<Float>, _ s: UnsafeMutablePointer<Float>
    ) {
        for block in 0..<blockCount {
            let (scale, sum) = unsafe quantizeBlock(x + 32 &* block, q + 32 &* block)
            unsafe d[block] = Float(Float16(scale))
            unsafe s[block] = Float(Float16(scale * Float(sum)))
        }
    }

    /// The block's largest magnitude over 127, and `1 / scale` (0 for a zero block).
    @inline(__always)
    static func scales(largest: Float) -> (scale: Float, inverse: Float) {
        let scale = largest / 127
        return (scale, scale == 0 ? 0 : 1 / scale)
    }
}

#if INFERENCE_AVX2
    import _Builtin_intrinsics.intel

    extension ActivationKernels {
        /// One block: its quants to `q`; returns its unrounded scale and Σ quants. Rounding half away from zero is
        /// the truncation plus a step where the dropped fraction (exact) reaches ±0.5, compared as IEEE bit patterns
        /// (ordered like integers for the fraction's magnitude); the clang rounding and comparison intrinsics are
        /// macros that do not import.
        @inline(__always)
        static func quantizeBlock(_ x: UnsafePointer<Float>, _ q: UnsafeMutablePointer<Int8>) -> (Float, Int) {
            let raw = unsafe UnsafeRawPointer(x)
            let values = unsafe (
                raw.loadUnaligned(as: __m256.self), raw.loadUnaligned(fromByteOffset: 32, as: __m256.self),
                raw.loadUnaligned(fromByteOffset: 64, as: __m256.self),
                raw.loadUnaligned(fromByteOffset: 96, as: __m256.self)
            )
            let magnitude = _mm256_castsi256_ps(_mm256_set1_epi32(0x7FFF_FFFF))
            let largest8 = _mm256_max_ps(
                _mm256_max_ps(_mm256_and_ps(values.0, magnitude), _mm256_and_ps(values.1, magnitude)),
                _mm256_max_ps(_mm256_and_ps(values.2, magnitude), _mm256_and_ps(values.3, magnitude)))
            var largest4 = _mm_max_ps(largest8.lowHalf, largest8.highHalf)
            largest4 = _mm_max_ps(largest4, _mm_movehl_ps(largest4, largest4))
            largest4 = _mm_max_ps(largest4, _mm_movehdup_ps(largest4))
            let (scale, inverse) = scales(largest: largest4[0])
            let factor = _mm256_set1_ps(inverse)
            let (r0, r1, r2, r3) = (
                rounded(_mm256_mul_ps(values.0, factor)), rounded(_mm256_mul_ps(values.1, factor)),
                rounded(_mm256_mul_ps(values.2, factor)), rounded(_mm256_mul_ps(values.3, factor))
            )
            // |quant| ≤ 127: the saturating packs keep every value; they interleave 128-bit lanes, the permutation
            // puts the four-byte groups back in order.
            let bytes = _mm256_permutevar8x32_epi32(
                _mm256_packs_epi16(_mm256_packs_epi32(r0, r1), _mm256_packs_epi32(r2, r3)),
                _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7))
            unsafe UnsafeMutableRawPointer(q).storeBytes(of: bytes, as: __m256i.self)
            let total = _mm256_add_epi32(_mm256_add_epi32(r0, r1), _mm256_add_epi32(r2, r3))
            let lanes = unsafe unsafeBitCast(total, to: SIMD8<Int32>.self)
            return (scale, Int(lanes.wrappedSum()))
        }

        /// `value` rounded half away from zero, as 32-bit integers.
        @inline(__always)
        static func rounded(_ value: __m256) -> __m256i {
            let truncated = _mm256_cvttps_epi32(value)
            let fraction = _mm256_castps_si256(_mm256_sub_ps(value, _mm256_cvtepi32_ps(truncated)))
            let belowHalf = _mm256_set1_epi32(0x3EFF_FFFF)  // the largest float below 0.5
            let up = _mm256_cmpgt_epi32(fraction, belowHalf)  // fraction ≥ 0.5 (negative fractions are < 0 here)
            let negated = _mm256_xor_si256(fraction, _mm256_set1_epi32(Int32(bitPattern: 0x8000_0000)))
            let down = _mm256_cmpgt_epi32(negated, belowHalf)  // fraction ≤ -0.5
            return _mm256_add_epi32(_mm256_sub_epi32(truncated, up), down)  // true lanes are -1
        }
    }
#else
    extension ActivationKernels {
        /// One block: its quants to `q`; returns its unrounded scale and Σ quants.
        @inline(__always)
        static func quantizeBlock(_ x: UnsafePointer<Float>, _ q: UnsafeMutablePointer<Int8>) -> (Float, Int) {
            var largest: Float = 0
            for index in 0..<32 { largest = max(largest, abs(unsafe x[index])) }
            let (scale, inverse) = scales(largest: largest)
            var sum = 0
            for index in 0..<32 {
                let quant = unsafe rounded(x[index] * inverse)
                unsafe q[index] = quant
                sum += Int(quant)
            }
            return (scale, sum)
        }

        /// `value` (within ±127.5) rounded half away from zero, as C's `roundf` (a library call per element when
        /// written `rounded(.toNearestOrAwayFromZero)`): the truncation, plus a step when the dropped fraction,
        /// which `value - truncation` gives exactly, reaches one half.
        @inline(__always)
        static func rounded(_ value: Float) -> Int8 {
            let truncated = Int32(value)
            let fraction = value - Float(truncated)
            let step: Int32 = fraction >= 0.5 ? 1 : fraction <= -0.5 ? -1 : 0
            return Int8(truncated + step)
        }
    }
#endif
