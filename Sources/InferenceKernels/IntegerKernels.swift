#if !INFERENCE_AVX2
    /// Integer dot products of Q4_0, Q4_1, Q8_0 and Q4_K rows with activations quantized to 8 bits (per block of 32:
    /// quants, a scale and the scale × Σ quants), as llama.cpp multiplies them: the portable build. The AVX2 build
    /// (`INFERENCE_AVX2`) has its own, with intrinsics, in `IntegerKernels+AVX2.swift`.
    public enum IntegerKernels {
        /// Σ a[i] * b[i] over 16 lanes, as 8 pairwise sums (the shape of x86's `pmaddwd`).
        @inline(__always)
        static func pairwiseProducts(_ a: SIMD16<Int8>, _ b: SIMD16<Int8>) -> SIMD8<Int32> {
            var wideA = SIMD16<Int16>()
            var wideB = SIMD16<Int16>()
            for lane in 0..<16 {
                wideA[lane] = Int16(a[lane])
                wideB[lane] = Int16(b[lane])
            }
            let products = wideA &* wideB  // |a * b| <= 2^14: no overflow
            var result = SIMD8<Int32>()
            for lane in 0..<8 { result[lane] = Int32(products[2 * lane]) &+ Int32(products[2 * lane + 1]) }
            return result
        }

        @inline(__always)
        static func floats(_ lanes: SIMD8<Int32>) -> SIMD8<Float> {
            var result = SIMD8<Float>()
            for lane in 0..<8 { result[lane] = Float(lanes[lane]) }
            return result
        }

        @inline(__always)
        static func signedBytes(_ pointer: UnsafeRawPointer, _ offset: Int) -> SIMD16<Int8> {
            unsafe pointer.loadUnaligned(fromByteOffset: offset, as: SIMD16<Int8>.self)
        }

        /// The integer dot product of one block of 32 weights (two 16-lane halves) with block `block` of `q`.
        @inline(__always)
        static func blockProducts(
            _ low: SIMD16<Int8>, _ high: SIMD16<Int8>, _ q: UnsafePointer<Int8>, _ block: Int
        ) -> SIMD8<Float> {
            let x = unsafe UnsafeRawPointer(q + 32 * block)
            let products = unsafe pairwiseProducts(low, signedBytes(x, 0)) &+ pairwiseProducts(high, signedBytes(x, 16))
            return floats(products)
        }

        public static func q8_0(
            _ row: UnsafeRawPointer, _ q: UnsafePointer<Int8>, _ d: UnsafePointer<Float>, _ blockCount: Int
        ) -> Float {
            unsafe signedRow(
                row, blockBytes: 34, weights: { unsafe (signedBytes($0, 2), signedBytes($0, 18)) }, q, d, blockCount)
        }

        /// A row of blocks whose weights unpack to signed bytes (`blockBytes` apart, f16 scale first; `weights`
        /// unpacks the block at a pointer into its two halves) times activation vector `q`. Q8_0 and Q5_0.
        @inline(__always)
        static func signedRow(
            _ row: UnsafeRawPointer, blockBytes: Int, weights: (UnsafeRawPointer) -> (SIMD16<Int8>, SIMD16<Int8>),
            _ q: UnsafePointer<Int8>, _ d: UnsafePointer<Float>, _ blockCount: Int
        ) -> Float {
            var sum = SIMD8<Float>()
            for block in 0..<blockCount {
                let base = unsafe row + blockBytes * block
                let (low, high) = unsafe weights(base)
                let products = unsafe blockProducts(low, high, q, block)
                sum += unsafe (FloatKernels.half(base, 0) * d[block]) * products
            }
            return sum.sum()
        }

        /// Q4_0 weights are `d * (n - 8)` for nibbles `n`: the products use the unsigned nibbles, and the `-8 d` offset
        /// multiplies the activation block's sum, as in Q4_1 (faster than subtracting 8 from every lane).
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
                row, blockBytes: 20, weights: { unsafe nibbles($0, 4) },
                offset: { base, _ in unsafe FloatKernels.half(base, 2) },
                q, d, s, blockCount)
        }

        /// The 16 bytes of nibbles at `offset` as weights 0..<16 (low nibbles) and 16..<32 (high nibbles).
        @inline(__always)
        static func nibbles(_ base: UnsafeRawPointer, _ offset: Int) -> (SIMD16<Int8>, SIMD16<Int8>) {
            let quants = SIMD16<Int8>(truncatingIfNeeded: unsafe FloatKernels.bytes(base, offset))
            return (quants & 0x0F, (quants &>> 4) & 0x0F)
        }

        /// A row of blocks whose weights are `d * n + m` for unsigned `n` (`blockBytes` apart, f16 scale first;
        /// `weights` unpacks the block at a pointer, `offset` gives its `m` from the pointer and the scale) times
        /// activation vector `q` with block sums `s`: the products use `n`, and `m` multiplies the block's sum
        /// (faster than subtracting it from every lane). Q4_0 (`m = -8 d`), Q4_1 and Q5_1.
        @inline(__always)
        static func offsetRow(
            _ row: UnsafeRawPointer, blockBytes: Int, weights: (UnsafeRawPointer) -> (SIMD16<Int8>, SIMD16<Int8>),
            offset: (UnsafeRawPointer, Float) -> Float, _ q: UnsafePointer<Int8>, _ d: UnsafePointer<Float>,
            _ s: UnsafePointer<Float>, _ blockCount: Int
        ) -> Float {
            var sum = SIMD8<Float>()
            var offsets: Float = 0
            for block in 0..<blockCount {
                let base = unsafe row + blockBytes * block
                let (low, high) = unsafe weights(base)
                let products = unsafe blockProducts(low, high, q, block)
                let scale = unsafe FloatKernels.half(base, 0)
                sum += unsafe (scale * d[block]) * products
                offsets += unsafe offset(base, scale) * s[block]
            }
            return sum.sum() + offsets
        }

        /// One Q4_0 or Q4_1 row (`blockBytes` 18 or 20) times four activation vectors stored one after another;
        /// results to `output[0]`, `output[stride]`, `output[2 * stride]`, `output[3 * stride]`. Here four single
        /// products; the AVX2 build unpacks the row once for the four.
        public static func q4x4(
            _ row: UnsafeRawPointer, blockBytes: Int, _ q: UnsafePointer<Int8>, _ d: UnsafePointer<Float>,
            _ s: UnsafePointer<Float>, _ blockCount: Int, _ output: UnsafeMutablePointer<Float>, _ stride: Int
        ) {
            for vector in 0..<4 {
                let (qv, dv, sv) = unsafe (
                    q + 32 * blockCount * vector, d + blockCount * vector, s + blockCount * vector
                )
                unsafe output[stride * vector] =
                    unsafe blockBytes == 20 ? q4_1(row, qv, dv, sv, blockCount) : q4_0(row, qv, dv, sv, blockCount)
            }
        }

        /// One Q8_0 row times four activation vectors, as `q4x4`.
        public static func q8_0x4(
            _ row: UnsafeRawPointer, _ q: UnsafePointer<Int8>, _ d: UnsafePointer<Float>, _ blockCount: Int,
            _ output: UnsafeMutablePointer<Float>, _ stride: Int
        ) {
            for vector in 0..<4 {
                unsafe output[stride * vector] = unsafe q8_0(
                    row, q + 32 * blockCount * vector, d + blockCount * vector, blockCount)
            }
        }

        /// Q4_K: each 32-element sub-block (scale `d * sc`, minimum `dmin * m`) lines up with one activation block.
        public static func q4_K(
            _ row: UnsafeRawPointer, _ q: UnsafePointer<Int8>, _ d: UnsafePointer<Float>, _ s: UnsafePointer<Float>,
            _ blockCount: Int
        ) -> Float {
            var sum = SIMD8<Float>()
            var offsets: Float = 0
            for block in 0..<blockCount / 8 {
                let base = unsafe row + 144 * block
                let (scales, minimums) = unsafe FloatKernels.scalesAndMinimums(base + 4)
                let factors = unsafe FloatKernels.half(base, 0) * scales
                let shifts = unsafe FloatKernels.half(base, 2) * minimums
                for chunk in 0..<4 {  // 32 bytes: low nibbles are sub-block 2c, high nibbles 2c+1
                    let first = SIMD16<Int8>(truncatingIfNeeded: unsafe FloatKernels.bytes(base, 16 + 32 * chunk))
                    let second = SIMD16<Int8>(truncatingIfNeeded: unsafe FloatKernels.bytes(base, 32 + 32 * chunk))
                    let xBlock = 8 * block + 2 * chunk
                    let low = unsafe blockProducts(first & 0x0F, second & 0x0F, q, xBlock)
                    let high = unsafe blockProducts((first &>> 4) & 0x0F, (second &>> 4) & 0x0F, q, xBlock + 1)
                    let lowFactor = unsafe factors[2 * chunk] * d[xBlock]
                    let highFactor = unsafe factors[2 * chunk + 1] * d[xBlock + 1]
                    sum += lowFactor * low + highFactor * high
                    offsets -= unsafe shifts[2 * chunk] * s[xBlock] + shifts[2 * chunk + 1] * s[xBlock + 1]
                }
            }
            return sum.sum() + offsets
        }
    }
#endif
