#if INFERENCE_AVX2
    import _Builtin_intrinsics.intel

    /// The integer kernels of the AVX2 build (`InferenceKernelsAVX2`, compiled with `INFERENCE_AVX2`), written with
    /// x86 intrinsics the way ggml writes them: weights unpacked to 32 bytes per block, `vpmaddubsw` multiplies
    /// unsigned weight bytes by signed activation bytes into 16-bit pair sums, `vpmaddwd` adds those into eight
    /// 32-bit lanes, and one fused multiply-add per block scales them. The portable loops in `IntegerKernels.swift`
    /// compute the same integer products (exactly); only the float rounding of the scaling may differ.
    public enum IntegerKernels {
        /// The `Float` value of the IEEE half at `offset` (one `vcvtph2ps` with F16C).
        @inline(__always)
        static func half(_ pointer: UnsafeRawPointer, _ offset: Int) -> Float {
            Float(Float16(bitPattern: unsafe pointer.loadUnaligned(fromByteOffset: offset, as: UInt16.self)))
        }

        /// The 32 bytes at `offset`.
        @inline(__always)
        static func bytes(_ pointer: UnsafeRawPointer, _ offset: Int) -> __m256i {
            unsafe pointer.loadUnaligned(fromByteOffset: offset, as: __m256i.self)
        }

        /// 16 bytes of nibbles as 32 bytes 0...15: the low nibbles are elements 0..<16, the high ones 16..<32.
        @inline(__always)
        static func nibbles(_ pointer: UnsafeRawPointer, _ offset: Int) -> __m256i {
            let packed = unsafe pointer.loadUnaligned(fromByteOffset: offset, as: __m128i.self)
            return _mm256_and_si256(_mm256_set_m128i(_mm_srli_epi16(packed, 4), packed), _mm256_set1_epi8(0x0F))
        }

        /// Σ unsigned × signed bytes in eight float lanes of four products each. `vpmaddubsw` saturates its 16-bit
        /// pair sums; they fit: |pair| ≤ 2 · 15 · 127 for nibbles, 2 · 128 · 127 for `q8_0`'s |w| · ±x.
        @inline(__always)
        static func products(_ unsignedBytes: __m256i, _ signedBytes: __m256i) -> __m256 {
            let pairs = _mm256_maddubs_epi16(unsignedBytes, signedBytes)
            return _mm256_cvtepi32_ps(_mm256_madd_epi16(pairs, _mm256_set1_epi16(1)))
        }

        /// `accumulator + scale * lanes`, one fused multiply-add.
        @inline(__always)
        static func scaled(_ lanes: __m256, by scale: Float, plus accumulator: __m256) -> __m256 {
            _mm256_fmadd_ps(_mm256_set1_ps(scale), lanes, accumulator)
        }

        @inline(__always)
        static func sum(_ lanes: __m256) -> Float {
            let quarters = lanes.lowHalf + lanes.highHalf
            return (quarters.lowHalf + quarters.highHalf).sum()
        }

        /// Activation block `block` of `q` (32 signed bytes).
        @inline(__always)
        static func activations(_ q: UnsafePointer<Int8>, _ block: Int) -> __m256i {
            unsafe bytes(UnsafeRawPointer(q + 32 &* block), 0)
        }

        public static func q8_0(
            _ row: UnsafeRawPointer, _ q: UnsafePointer<Int8>, _ d: UnsafePointer<Float>, _ blockCount: Int
        ) -> Float {
            unsafe signedRow(row, blockBytes: 34, weights: { unsafe bytes($0, 2) }, q, d, blockCount)
        }

        /// A row of blocks whose weights unpack to signed bytes (`blockBytes` apart, f16 scale first; `weights`
        /// unpacks the block at a pointer) times activation vector `q`: |w| times x with w's sign, the
        /// unsigned × signed form `vpmaddubsw` takes. Q8_0 and Q5_0.
        @inline(__always)
        static func signedRow(
            _ row: UnsafeRawPointer, blockBytes: Int, weights: (UnsafeRawPointer) -> __m256i, _ q: UnsafePointer<Int8>,
            _ d: UnsafePointer<Float>, _ blockCount: Int
        ) -> Float {
            var sum = _mm256_setzero_ps()
            for block in 0..<blockCount {
                let base = unsafe row + blockBytes &* block
                let signed = unsafe weights(base)
                let x = unsafe activations(q, block)
                let p = products(_mm256_sign_epi8(signed, signed), _mm256_sign_epi8(x, signed))
                sum = unsafe scaled(p, by: half(base, 0) * d[block], plus: sum)
            }
            return Self.sum(sum)
        }

        /// Q4_0 weights are `d * (n - 8)` for nibbles `n`: the products use the unsigned nibbles, and the `-8 d`
        /// offset multiplies the activation block's sum.
        public static func q4_0(
            _ row: UnsafeRawPointer, _ q: UnsafePointer<Int8>, _ d: UnsafePointer<Float>, _ s: UnsafePointer<Float>,
            _ blockCount: Int
        ) -> Float {
            unsafe offsetRow(
                row, blockBytes: 18, weights: { unsafe nibbles($0, 2) }, offset: { -8 * $1 }, q, d, s, blockCount)
        }

        public static func q4_1(
            _ row: UnsafeRawPointer, _ q: UnsafePointer<Int8>, _ d: UnsafePointer<Float>, _ s: UnsafePointer<Float>,
            _ blockCount: Int
        ) -> Float {
            unsafe offsetRow(
                row, blockBytes: 20, weights: { unsafe nibbles($0, 4) }, offset: { base, _ in unsafe half(base, 2) },
                q, d, s, blockCount)
        }

        /// A row of blocks whose weights are `d * n + m` for unsigned bytes `n` (`blockBytes` apart, f16 scale
        /// first; `weights` unpacks the block at a pointer, `offset` gives its `m` from the pointer and the scale)
        /// times activation vector `q` with block sums `s`: the products use `n`, and `m` multiplies the block's
        /// sum. Q4_0, Q4_1 and Q5_1.
        @inline(__always)
        static func offsetRow(
            _ row: UnsafeRawPointer, blockBytes: Int, weights: (UnsafeRawPointer) -> __m256i,
            offset: (UnsafeRawPointer, Float) -> Float, _ q: UnsafePointer<Int8>, _ d: UnsafePointer<Float>,
            _ s: UnsafePointer<Float>, _ blockCount: Int
        ) -> Float {
            var sum = _mm256_setzero_ps()
            var offsets: Float = 0
            for block in 0..<blockCount {
                let base = unsafe row + blockBytes &* block
                let p = unsafe products(weights(base), activations(q, block))
                let scale = unsafe half(base, 0)
                sum = unsafe scaled(p, by: scale * d[block], plus: sum)
                offsets += unsafe offset(base, scale) * s[block]
            }
            return Self.sum(sum) + offsets
        }

        /// One row times four activation vectors stored one after another (`blockCount` blocks each), for
        /// prompts: the row's nibbles and scales are unpacked once for the four. Q4_0 and Q4_1 (`blockBytes` 18 and
        /// 20); results go to `output[0]`, `output[stride]`, `output[2 * stride]`, `output[3 * stride]`.
        public static func q4x4(
            _ row: UnsafeRawPointer, blockBytes: Int, _ q: UnsafePointer<Int8>, _ d: UnsafePointer<Float>,
            _ s: UnsafePointer<Float>, _ blockCount: Int, _ output: UnsafeMutablePointer<Float>, _ stride: Int
        ) {
            unsafe offsetRowTimesFour(
                row, blockBytes: blockBytes, weights: { unsafe nibbles($0, blockBytes - 16) },
                // Q4_1's minimum, or Q4_0's -8 d.
                offset: { unsafe blockBytes == 20 ? half($0, 2) : -8 * $1 }, q, d, s, blockCount, output, stride)
        }

        /// `offsetRow` for four activation vectors stored one after another, results `stride` apart, as `q4x4`.
        @inline(__always)
        static func offsetRowTimesFour(
            _ row: UnsafeRawPointer, blockBytes: Int, weights: (UnsafeRawPointer) -> __m256i,
            offset: (UnsafeRawPointer, Float) -> Float, _ q: UnsafePointer<Int8>, _ d: UnsafePointer<Float>,
            _ s: UnsafePointer<Float>, _ blockCount: Int, _ output: UnsafeMutablePointer<Float>, _ stride: Int
        ) {
            let (q1, q2, q3) = unsafe (q + 32 * blockCount, q + 64 * blockCount, q + 96 * blockCount)
            let (b1, b2, b3) = (blockCount, 2 &* blockCount, 3 &* blockCount)
            var (sum0, sum1, sum2, sum3) = (
                _mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps()
            )
            var offsets = SIMD4<Float>()
            for block in 0..<blockCount {
                let base = unsafe row + blockBytes &* block
                let weights = unsafe weights(base)
                let scale = unsafe half(base, 0)
                let minimum = unsafe offset(base, scale)
                sum0 = unsafe scaled(products(weights, activations(q, block)), by: scale * d[block], plus: sum0)
                sum1 = unsafe scaled(products(weights, activations(q1, block)), by: scale * d[b1 &+ block], plus: sum1)
                sum2 = unsafe scaled(products(weights, activations(q2, block)), by: scale * d[b2 &+ block], plus: sum2)
                sum3 = unsafe scaled(products(weights, activations(q3, block)), by: scale * d[b3 &+ block], plus: sum3)
                offsets += unsafe minimum * SIMD4(s[block], s[b1 &+ block], s[b2 &+ block], s[b3 &+ block])
            }
            unsafe output[0] = sum(sum0) + offsets[0]
            unsafe output[stride] = sum(sum1) + offsets[1]
            unsafe output[2 * stride] = sum(sum2) + offsets[2]
            unsafe output[3 * stride] = sum(sum3) + offsets[3]
        }

        /// One Q8_0 row times four activation vectors, as `q4x4`: the weights' magnitudes computed once for four.
        public static func q8_0x4(
            _ row: UnsafeRawPointer, _ q: UnsafePointer<Int8>, _ d: UnsafePointer<Float>, _ blockCount: Int,
            _ output: UnsafeMutablePointer<Float>, _ stride: Int
        ) {
            unsafe signedRowTimesFour(
                row, blockBytes: 34, weights: { unsafe bytes($0, 2) }, q, d, blockCount, output, stride)
        }

        /// `signedRow` for four activation vectors stored one after another, results `stride` apart, as `q4x4`.
        @inline(__always)
        static func signedRowTimesFour(
            _ row: UnsafeRawPointer, blockBytes: Int, weights: (UnsafeRawPointer) -> __m256i, _ q: UnsafePointer<Int8>,
            _ d: UnsafePointer<Float>, _ blockCount: Int, _ output: UnsafeMutablePointer<Float>, _ stride: Int
        ) {
            let (q1, q2, q3) = unsafe (q + 32 * blockCount, q + 64 * blockCount, q + 96 * blockCount)
            let (b1, b2, b3) = (blockCount, 2 &* blockCount, 3 &* blockCount)
            var (sum0, sum1, sum2, sum3) = (
                _mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps()
            )
            for block in 0..<blockCount {
                let base = unsafe row + blockBytes &* block
                let signed = unsafe weights(base)
                let magnitudes = _mm256_sign_epi8(signed, signed)
                let scale = unsafe half(base, 0)
                let (x0, x1) = unsafe (activations(q, block), activations(q1, block))
                let (x2, x3) = unsafe (activations(q2, block), activations(q3, block))
                sum0 = unsafe scaled(
                    products(magnitudes, _mm256_sign_epi8(x0, signed)), by: scale * d[block], plus: sum0)
                sum1 = unsafe scaled(
                    products(magnitudes, _mm256_sign_epi8(x1, signed)), by: scale * d[b1 &+ block], plus: sum1)
                sum2 = unsafe scaled(
                    products(magnitudes, _mm256_sign_epi8(x2, signed)), by: scale * d[b2 &+ block], plus: sum2)
                sum3 = unsafe scaled(
                    products(magnitudes, _mm256_sign_epi8(x3, signed)), by: scale * d[b3 &+ block], plus: sum3)
            }
            unsafe output[0] = sum(sum0)
            unsafe output[stride] = sum(sum1)
            unsafe output[2 * stride] = sum(sum2)
            unsafe output[3 * stride] = sum(sum3)
        }

        /// Q4_K: each 32-element sub-block (scale `d * sc`, minimum `dmin * m`) lines up with one activation block.
        public static func q4_K(
            _ row: UnsafeRawPointer, _ q: UnsafePointer<Int8>, _ d: UnsafePointer<Float>, _ s: UnsafePointer<Float>,
            _ blockCount: Int
        ) -> Float {
            var sum = _mm256_setzero_ps()
            var offsets: Float = 0
            let lowNibbles = _mm256_set1_epi8(0x0F)
            for block in 0..<blockCount / 8 {
                let base = unsafe row + 144 &* block
                let (scales, minimums) = unsafe FloatKernels.scalesAndMinimums(base + 4)
                let factors = unsafe half(base, 0) * scales
                let shifts = unsafe half(base, 2) * minimums
                for chunk in 0..<4 {  // 32 bytes: low nibbles are sub-block 2c, high nibbles 2c+1
                    let packed = unsafe bytes(base, 16 + 32 * chunk)
                    let xBlock = 8 * block + 2 * chunk
                    let low = unsafe products(_mm256_and_si256(packed, lowNibbles), activations(q, xBlock))
                    let high = unsafe products(
                        _mm256_and_si256(_mm256_srli_epi16(packed, 4), lowNibbles), activations(q, xBlock + 1))
                    sum = unsafe scaled(low, by: factors[2 * chunk] * d[xBlock], plus: sum)
                    sum = unsafe scaled(high, by: factors[2 * chunk + 1] * d[xBlock + 1], plus: sum)
                    offsets -= unsafe shifts[2 * chunk] * s[xBlock] + shifts[2 * chunk + 1] * s[xBlock + 1]
                }
            }
            return Self.sum(sum) + offsets
        }
    }
#endif
