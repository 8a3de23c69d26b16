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
            unsafe offsetRow(
                row, blockBytes: 24,
                weights: { base in
                    let (low, high) = unsafe FloatKernels.fiveBitQuants(base, 4)
                    return (SIMD16(truncatingIfNeeded: low), SIMD16(truncatingIfNeeded: high))
                }, offset: { base, _ in unsafe FloatKernels.half(base, 2) }, q, d, s, blockCount)
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
            // Weights 0...31 as unsigned bytes: |pair| <= 2 * 31 * 128, no saturation.
            unsafe offsetRow(
                row, blockBytes: 24, weights: { unsafe fiveBitQuants($0, 4) },
                offset: { base, _ in unsafe half(base, 2) }, q, d, s,
                blockCount)
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
            unsafe offsetRowTimesFour(
                row, blockBytes: 24, weights: { unsafe fiveBitQuants($0, 4) },
                offset: { base, _ in unsafe half(base, 2) }, q, d, s,
                blockCount, output, stride)
        }
    }
#endif
