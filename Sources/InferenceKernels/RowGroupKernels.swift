/// Q4_0 rows in groups of eight, interleaved (`Q4_0RowGroups` in `Inference` builds them at load): per block of 32
/// columns, 144 bytes — the eight rows' f16 scales (16 bytes), then four chunks of 32 bytes, chunk `j` holding
/// nibble bytes `4j ..< 4j + 4` of row 0, then of row 1, …, row 7. A 32-byte chunk's low nibbles are columns
/// `4j ..< 4j + 4` of each row, its high nibbles columns `16 + 4j ..< 16 + 4j + 4`: one multiply of a chunk by those
/// four activation bytes, repeated in every 4-byte lane, gives eight rows' partial sums side by side, and a block's
/// scaling is one vector operation for the eight rows instead of eight horizontal sums.
public enum RowGroupLayout {
    /// The rows in one group.
    public static let rows = 8
    /// The bytes of one block of 32 columns of one group.
    public static let blockBytes = 144
}

#if INFERENCE_AVX2
    import _Builtin_intrinsics.intel

    extension IntegerKernels {
        /// Integer sums of one block of eight interleaved rows with one activation block `x` (32 signed bytes), as
        /// 16-bit pairs: the four chunks' low and high nibbles times the activation bytes they meet. |sum| ≤
        /// 8 · 2 · 15 · 127 < 2^15, so the 16-bit additions cannot overflow.
        @inline(__always)
        static func rowGroupPairs(_ block: UnsafeRawPointer, _ x: UnsafeRawPointer) -> __m256i {
            let mask = _mm256_set1_epi8(0x0F)
            var pairs = _mm256_setzero_si256()
            for chunk in 0..<4 {
                let packed = unsafe bytes(block, 16 &+ 32 &* chunk)
                let low = unsafe _mm256_set1_epi32(x.loadUnaligned(fromByteOffset: 4 &* chunk, as: Int32.self))
                let high = unsafe _mm256_set1_epi32(x.loadUnaligned(fromByteOffset: 16 &+ 4 &* chunk, as: Int32.self))
                pairs = _mm256_add_epi16(pairs, _mm256_maddubs_epi16(_mm256_and_si256(packed, mask), low))
                pairs = _mm256_add_epi16(
                    pairs, _mm256_maddubs_epi16(_mm256_and_si256(_mm256_srli_epi16(packed, 4), mask), high))
            }
            return pairs
        }

        /// One group's running sums for one activation vector: Σ scale · d · products, and Σ scale · s for the
        /// nibbles' offset of 8 (subtracted at the end).
        struct RowGroupSums {
            var products = _mm256_setzero_ps()
            var offsets = _mm256_setzero_ps()

            @inline(__always)
            mutating func add(_ pairs: __m256i, scales: __m256, _ d: Float, _ s: Float) {
                let lanes = _mm256_cvtepi32_ps(_mm256_madd_epi16(pairs, _mm256_set1_epi16(1)))
                products = _mm256_fmadd_ps(_mm256_mul_ps(scales, _mm256_set1_ps(d)), lanes, products)
                offsets = _mm256_fmadd_ps(scales, _mm256_set1_ps(s), offsets)
            }

            @inline(__always)
            func store(_ output: UnsafeMutablePointer<Float>) {
                let result = _mm256_fnmadd_ps(_mm256_set1_ps(8), offsets, products)
                unsafe UnsafeMutableRawPointer(output).storeBytes(of: result, as: __m256.self)
            }
        }

        /// Eight interleaved Q4_0 rows (`group`, `blockCount` blocks) times one activation vector: `output[0..<8]`.
        public static func q4_0Group(
            _ group: UnsafeRawPointer, _ q: UnsafePointer<Int8>, _ d: UnsafePointer<Float>, _ s: UnsafePointer<Float>,
            _ blockCount: Int, _ output: UnsafeMutablePointer<Float>
        ) {
            var sums = RowGroupSums()
            for block in 0..<blockCount {
                let base = unsafe group + RowGroupLayout.blockBytes &* block
                let scales = unsafe _mm256_cvtph_ps(base.loadUnaligned(as: __m128i.self))
                let pairs = unsafe rowGroupPairs(base, UnsafeRawPointer(q + 32 &* block))
                unsafe sums.add(pairs, scales: scales, d[block], s[block])
            }
            unsafe sums.store(output)
        }

        /// Eight interleaved Q4_0 rows times four activation vectors stored one after another: vector `v`'s eight
        /// results at `output + v * stride`. Each vector's sums take the same operations as in `q4_0Group`, so the
        /// results are bit-identical to four calls of it; the rows' bytes are loaded once for the four.
        public static func q4_0GroupTimesFour(
            _ group: UnsafeRawPointer, _ q: UnsafePointer<Int8>, _ d: UnsafePointer<Float>, _ s: UnsafePointer<Float>,
            _ blockCount: Int, _ output: UnsafeMutablePointer<Float>, _ stride: Int
        ) {
            var (sums0, sums1, sums2, sums3) = (RowGroupSums(), RowGroupSums(), RowGroupSums(), RowGroupSums())
            let (b1, b2, b3) = (blockCount, 2 &* blockCount, 3 &* blockCount)
            for block in 0..<blockCount {
                let base = unsafe group + RowGroupLayout.blockBytes &* block
                let scales = unsafe _mm256_cvtph_ps(base.loadUnaligned(as: __m128i.self))
                let x = unsafe UnsafeRawPointer(q + 32 &* block)
                unsafe sums0.add(rowGroupPairs(base, x), scales: scales, d[block], s[block])
                unsafe sums1.add(rowGroupPairs(base, x + 32 &* b1), scales: scales, d[b1 &+ block], s[b1 &+ block])
                unsafe sums2.add(rowGroupPairs(base, x + 32 &* b2), scales: scales, d[b2 &+ block], s[b2 &+ block])
                unsafe sums3.add(rowGroupPairs(base, x + 32 &* b3), scales: scales, d[b3 &+ block], s[b3 &+ block])
            }
            unsafe sums0.store(output)
            unsafe sums1.store(output + stride)
            unsafe sums2.store(output + 2 &* stride)
            unsafe sums3.store(output + 3 &* stride)
        }
    }
#else
    extension IntegerKernels {
        /// Eight interleaved Q4_0 rows (`group`, `blockCount` blocks) times one activation vector: `output[0..<8]`.
        /// The portable build's plain loops (the AVX2 build uses this layout; this one is its reference).
        public static func q4_0Group(
            _ group: UnsafeRawPointer, _ q: UnsafePointer<Int8>, _ d: UnsafePointer<Float>, _ s: UnsafePointer<Float>,
            _ blockCount: Int, _ output: UnsafeMutablePointer<Float>
        ) {
            var products = SIMD8<Float>()
            var offsets = SIMD8<Float>()
            for block in 0..<blockCount {
                let base = unsafe group + RowGroupLayout.blockBytes * block
                var sums = SIMD8<Int32>()
                for row in 0..<8 {
                    for column in 0..<16 {
                        let byte = unsafe base.load(
                            fromByteOffset: 16 + 32 * (column / 4) + 4 * row + column % 4, as: UInt8.self)
                        let (low, high) = unsafe (q[32 * block + column], q[32 * block + 16 + column])
                        sums[row] += Int32(byte & 0x0F) * Int32(low) + Int32(byte >> 4) * Int32(high)
                    }
                }
                var scales = SIMD8<Float>()
                for row in 0..<8 { scales[row] = unsafe FloatKernels.half(base, 2 * row) }
                var lanes = SIMD8<Float>()
                for row in 0..<8 { lanes[row] = Float(sums[row]) }
                products += unsafe (scales * d[block]) * lanes
                offsets += unsafe scales * s[block]
            }
            let result = products - 8 * offsets
            for row in 0..<8 { unsafe output[row] = result[row] }
        }

        /// Eight interleaved Q4_0 rows times four activation vectors stored one after another: four `q4_0Group`s.
        public static func q4_0GroupTimesFour(
            _ group: UnsafeRawPointer, _ q: UnsafePointer<Int8>, _ d: UnsafePointer<Float>, _ s: UnsafePointer<Float>,
            _ blockCount: Int, _ output: UnsafeMutablePointer<Float>, _ stride: Int
        ) {
            for vector in 0..<4 {
                unsafe q4_0Group(
                    group, q + 32 * blockCount * vector, d + blockCount * vector, s + blockCount * vector, blockCount,
                    output + stride * vector)
            }
        }
    }
#endif
