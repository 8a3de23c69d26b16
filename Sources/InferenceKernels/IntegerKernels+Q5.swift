/// Integer dot products of Q5_0 and Q5_1 rows (block layout in `FloatKernels+Q5.swift`) with Q8-quantized
/// activations, as llama.cpp multiplies them: Q5_0's `q - 16` is a signed byte multiplied exactly, Q5_1's minimum
/// multiplies the activation block's sum (as Q4_1's does). Like the Q4 kernels, a portable build and an AVX2 build.
#if !INFERENCE_AVX2
    extension IntegerKernels {
        public static func q5_0(
            _ row: UnsafeRawPointer, _ q: UnsafePointer<Int8>, _ d: UnsafePointer<Float>, _ blockCount: Int
        ) -> Float {
            unsafe signedRow(row, blockBytes: 22, weights: { unsafe q5_0Weights($0) }, q, d, blockCount)
        }

        /// Q5_0's signed weights `q - 16` of the block at `base`, weights 0..<16 and 16..<32.
        @inline(__always)
        static func q5_0Weights(_ base: UnsafeRawPointer) -> (SIMD16<Int8>, SIMD16<Int8>) {
            let (low, high) = unsafe FloatKernels.fiveBitQuants(base, 2)
            return (SIMD16(truncatingIfNeeded: low) &- 16, SIMD16(truncatingIfNeeded: high) &- 16)
        }

        public static func q5_1(
            _ row: UnsafeRawPointer, _ q: UnsafePointer<Int8>, _ d: UnsafePointer<Float>, _ s: UnsafePointer<Float>,
            _ blockCount: Int
        ) -> Float {
            var sum = SIMD8<Float>()
            var offsets: Float = 0
            for block in 0..<blockCount {
                let base = unsafe row + 24 * block
                let (low, high) = unsafe FloatKernels.fiveBitQuants(base, 4)
                let products = unsafe blockProducts(
                    SIMD16(truncatingIfNeeded: low), SIMD16(truncatingIfNeeded: high), q, block)
                sum += unsafe (FloatKernels.half(base, 0) * d[block]) * products
                offsets += unsafe FloatKernels.half(base, 2) * s[block]
            }
            return sum.sum() + offsets
        }

        /// One Q5_0 row times four activation vectors, as `q8_0x4`: here four single products.
        public static func q5_0x4(
            _ row: UnsafeRawPointer, _ q: UnsafePointer<Int8>, _ d: UnsafePointer<Float>, _ blockCount: Int,
            _ output: UnsafeMutablePointer<Float>, _ stride: Int
        ) {
            for vector in 0..<4 {
                unsafe output[stride * vector] = unsafe q5_0(
                    row, q + 32 * blockCount * vector, d + blockCount * vector, blockCount)
            }
        }

        /// One Q5_1 row times four activation vectors, as `q4x4`: here four single products.
        public static func q5_1x4(
            _ row: UnsafeRawPointer, _ q: UnsafePointer<Int8>, _ d: UnsafePointer<Float>, _ s: UnsafePointer<Float>,
            _ blockCount: Int, _ output: UnsafeMutablePointer<Float>, _ stride: Int
        ) {
            for vector in 0..<4 {
                unsafe output[stride * vector] = unsafe q5_1(
                    row, q + 32 * blockCount * vector, d + blockCount * vector, s + blockCount * vector, blockCount)
            }
        }
    }
#else
    import _Builtin_intrinsics.intel

    extension IntegerKernels {
        /// The 5-bit weights of the block whose bit word is at `offset` and nibbles at `offset + 4`, one per byte:
        /// the nibbles with 16 added in the lanes whose bit is set. The word is copied to every 32-bit lane, each
        /// byte lane `i` takes byte `i / 8` of it (within its 128-bit half, which holds the same word), keeps bit
        /// `i % 8`, and a compare turns a kept bit into a whole byte of ones.
        @inline(__always)
        static func fiveBitQuants(_ pointer: UnsafeRawPointer, _ offset: Int) -> __m256i {
            let word = unsafe pointer.loadUnaligned(fromByteOffset: offset, as: Int32.self)
            let byteOfLane = _mm256_set_epi64x(0x0303_0303_0303_0303, 0x0202_0202_0202_0202, 0x0101_0101_0101_0101, 0)
            let bitOfLane = _mm256_set1_epi64x(Int64(bitPattern: 0x8040_2010_0804_0201))
            let bits = _mm256_and_si256(_mm256_shuffle_epi8(_mm256_set1_epi32(word), byteOfLane), bitOfLane)
            let fifth = _mm256_and_si256(_mm256_cmpeq_epi8(bits, bitOfLane), _mm256_set1_epi8(16))
            return unsafe _mm256_or_si256(nibbles(pointer, offset + 4), fifth)
        }

        /// Q5_0's signed weights `q - 16` of the block at `base`.
        @inline(__always)
        static func q5_0Weights(_ base: UnsafeRawPointer) -> __m256i {
            unsafe _mm256_sub_epi8(fiveBitQuants(base, 2), _mm256_set1_epi8(16))
        }

        public static func q5_0(
            _ row: UnsafeRawPointer, _ q: UnsafePointer<Int8>, _ d: UnsafePointer<Float>, _ blockCount: Int
        ) -> Float {
            // |pair| <= 2 * 16 * 128 in `vpmaddubsw`.
            unsafe signedRow(row, blockBytes: 22, weights: { unsafe q5_0Weights($0) }, q, d, blockCount)
        }

        public static func q5_1(
            _ row: UnsafeRawPointer, _ q: UnsafePointer<Int8>, _ d: UnsafePointer<Float>, _ s: UnsafePointer<Float>,
            _ blockCount: Int
        ) -> Float {
            var sum = _mm256_setzero_ps()
            var offsets: Float = 0
            for block in 0..<blockCount {
                let base = unsafe row + 24 &* block
                // Weights 0...31 as unsigned bytes: |pair| <= 2 * 31 * 128, no saturation.
                let p = unsafe products(fiveBitQuants(base, 4), activations(q, block))
                sum = unsafe scaled(p, by: half(base, 0) * d[block], plus: sum)
                offsets += unsafe half(base, 2) * s[block]
            }
            return Self.sum(sum) + offsets
        }

        /// One Q5_0 row times four activation vectors, as `q8_0x4`: the weights unpacked once for the four.
        public static func q5_0x4(
            _ row: UnsafeRawPointer, _ q: UnsafePointer<Int8>, _ d: UnsafePointer<Float>, _ blockCount: Int,
            _ output: UnsafeMutablePointer<Float>, _ stride: Int
        ) {
            unsafe signedRowTimesFour(
                row, blockBytes: 22, weights: { unsafe q5_0Weights($0) }, q, d, blockCount, output, stride)
        }

        /// One Q5_1 row times four activation vectors, as `q4x4`: the weights unpacked once for the four.
        public static func q5_1x4(
            _ row: UnsafeRawPointer, _ q: UnsafePointer<Int8>, _ d: UnsafePointer<Float>, _ s: UnsafePointer<Float>,
            _ blockCount: Int, _ output: UnsafeMutablePointer<Float>, _ stride: Int
        ) {
            let (q1, q2, q3) = unsafe (q + 32 * blockCount, q + 64 * blockCount, q + 96 * blockCount)
            let (b1, b2, b3) = (blockCount, 2 &* blockCount, 3 &* blockCount)
            var (sum0, sum1, sum2, sum3) = (
                _mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps()
            )
            var offsets = SIMD4<Float>()
            for block in 0..<blockCount {
                let base = unsafe row + 24 &* block
                let weights = unsafe fiveBitQuants(base, 4)
                let scale = unsafe half(base, 0)
                sum0 = unsafe scaled(products(weights, activations(q, block)), by: scale * d[block], plus: sum0)
                sum1 = unsafe scaled(products(weights, activations(q1, block)), by: scale * d[b1 &+ block], plus: sum1)
                sum2 = unsafe scaled(products(weights, activations(q2, block)), by: scale * d[b2 &+ block], plus: sum2)
                sum3 = unsafe scaled(products(weights, activations(q3, block)), by: scale * d[b3 &+ block], plus: sum3)
                offsets += unsafe half(base, 2) * SIMD4(s[block], s[b1 &+ block], s[b2 &+ block], s[b3 &+ block])
            }
            unsafe output[0] = sum(sum0) + offsets[0]
            unsafe output[stride] = sum(sum1) + offsets[1]
            unsafe output[2 * stride] = sum(sum2) + offsets[2]
            unsafe output[3 * stride] = sum(sum3) + offsets[3]
        }
    }
#endif
