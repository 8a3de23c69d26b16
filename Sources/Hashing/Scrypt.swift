/// scrypt's memory-hard core (RFC 7914 §5–6: Salsa20/8, BlockMix, ROMix) in Swift, for the parameters libcrypto
/// refuses: RFC 7914 asks for n < 2^(16·r), which Ethereum keystores ignore (eth-account writes n = 2^18 with
/// r = 1). The outer PBKDF2 steps still run in libcrypto.
enum Scrypt {
    /// scrypt with any n (a power of two), r and p; the caller has bounded the memory (128 · r · n bytes).
    static func derive(
        password: [UInt8], salt: [UInt8], n: Int, r: Int, p: Int, length: Int
    ) throws(KeyDerivationError) -> [UInt8] {
        let blockBytes = 128 * r
        let mixed = try KeyDerivation.pbkdf2SHA256(
            password: password, salt: salt, iterations: 1, length: p * blockBytes)
        var output: [UInt8] = []
        output.reserveCapacity(mixed.count)
        var scratch = [UInt32](repeating: 0, count: n * 32 * r)  // (n, 32·r) words: V in ROMix
        for block in 0..<p {
            var words = littleEndianWords(mixed[block * blockBytes..<(block + 1) * blockBytes])
            roMix(&words, r: r, n: n, scratch: &scratch)
            for word in words {
                for shift in stride(from: UInt32(0), to: 32, by: 8) {
                    output.append(UInt8(truncatingIfNeeded: word >> shift))
                }
            }
        }
        return try KeyDerivation.pbkdf2SHA256(password: password, salt: output, iterations: 1, length: length)
    }

    private static func littleEndianWords(_ bytes: ArraySlice<UInt8>) -> [UInt32] {
        var words = [UInt32](repeating: 0, count: bytes.count / 4)
        for (index, byte) in bytes.enumerated() { words[index / 4] |= UInt32(byte) << (8 * UInt32(index % 4)) }
        return words
    }

    /// ROMix: fill V with n successive BlockMix states, then mix in n pseudo-randomly chosen ones.
    static func roMix(_ x: inout [UInt32], r: Int, n: Int, scratch v: inout [UInt32]) {
        let width = 32 * r
        precondition(x.count == width && v.count >= n * width, "roMix buffer sizes")
        var y = [UInt32](repeating: 0, count: width)
        var chunk = [UInt32](repeating: 0, count: 16)
        // Sound: every index below stays inside its buffer: V holds n blocks of `width` words, X and Y one block,
        // the chunk 16 words (sizes checked above); the buffers are live and distinct for the whole closure.
        unsafe x.withUnsafeMutableBufferPointer { xBuffer in
            unsafe y.withUnsafeMutableBufferPointer { yBuffer in
                unsafe v.withUnsafeMutableBufferPointer { vBuffer in
                    unsafe chunk.withUnsafeMutableBufferPointer { chunkBuffer in
                        var (x, y) = (xBuffer.baseAddress!, yBuffer.baseAddress!)
                        let (v, chunk) = (vBuffer.baseAddress!, chunkBuffer.baseAddress!)
                        for i in 0..<n {
                            unsafe (v + i * width).update(from: x, count: width)
                            unsafe blockMix(x, into: y, r: r, chunk: chunk)
                            unsafe swap(&x, &y)
                        }
                        let last = (2 * r - 1) * 16
                        for _ in 0..<n {
                            // Integerify: the last block's first 64 bits, little-endian, modulo n (a power of two).
                            let j = unsafe Int(
                                truncatingIfNeeded: (UInt64(x[last + 1]) << 32 | UInt64(x[last])) & UInt64(n - 1))
                            let row = unsafe v + j * width
                            var k = 0
                            while k < width {
                                unsafe x[k] ^= row[k]
                                k += 1
                            }
                            unsafe blockMix(x, into: y, r: r, chunk: chunk)
                            unsafe swap(&x, &y)
                        }
                        // After an even number (2n) of swaps the result is back in the caller's X.
                    }
                }
            }
        }
    }

    /// BlockMix with Salsa20/8: the 2r 16-word blocks of `b`, chained, even outputs first then odd ones.
    private static func blockMix(
        _ b: UnsafeMutablePointer<UInt32>, into y: UnsafeMutablePointer<UInt32>, r: Int,
        chunk: UnsafeMutablePointer<UInt32>
    ) {
        unsafe chunk.update(from: b + (2 * r - 1) * 16, count: 16)
        for i in 0..<2 * r {
            var k = 0
            while k < 16 {
                unsafe chunk[k] ^= b[i * 16 + k]
                k += 1
            }
            unsafe salsa20_8(chunk)
            unsafe (y + (i % 2 == 0 ? i / 2 : r + i / 2) * 16).update(from: chunk, count: 16)
        }
    }

    /// The Salsa20/8 core on 16 words, in place.
    private static func salsa20_8(_ block: UnsafeMutablePointer<UInt32>) {
        var x = unsafe (
            block[0], block[1], block[2], block[3], block[4], block[5], block[6], block[7], block[8], block[9],
            block[10], block[11], block[12], block[13], block[14], block[15]
        )
        for _ in 0..<4 {
            quarter(&x.0, &x.4, &x.8, &x.12)
            quarter(&x.5, &x.9, &x.13, &x.1)
            quarter(&x.10, &x.14, &x.2, &x.6)
            quarter(&x.15, &x.3, &x.7, &x.11)
            quarter(&x.0, &x.1, &x.2, &x.3)
            quarter(&x.5, &x.6, &x.7, &x.4)
            quarter(&x.10, &x.11, &x.8, &x.9)
            quarter(&x.15, &x.12, &x.13, &x.14)
        }
        unsafe block[0] &+= x.0
        unsafe block[1] &+= x.1
        unsafe block[2] &+= x.2
        unsafe block[3] &+= x.3
        unsafe block[4] &+= x.4
        unsafe block[5] &+= x.5
        unsafe block[6] &+= x.6
        unsafe block[7] &+= x.7
        unsafe block[8] &+= x.8
        unsafe block[9] &+= x.9
        unsafe block[10] &+= x.10
        unsafe block[11] &+= x.11
        unsafe block[12] &+= x.12
        unsafe block[13] &+= x.13
        unsafe block[14] &+= x.14
        unsafe block[15] &+= x.15
    }

    /// One Salsa20 quarter round: b ^= (a+d)<<<7, c ^= (b+a)<<<9, d ^= (c+b)<<<13, a ^= (d+c)<<<18.
    @inline(__always)
    private static func quarter(_ a: inout UInt32, _ b: inout UInt32, _ c: inout UInt32, _ d: inout UInt32) {
        b ^= rotate(a &+ d, 7)
        c ^= rotate(b &+ a, 9)
        d ^= rotate(c &+ b, 13)
        a ^= rotate(d &+ c, 18)
    }

    @inline(__always)
    private static func rotate(_ value: UInt32, _ count: UInt32) -> UInt32 {
        value << count | value >> (32 - count)
    }
}
