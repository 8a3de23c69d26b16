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
        var y = [UInt32](repeating: 0, count: width)
        for i in 0..<n {
            v.replaceSubrange(i * width..<(i + 1) * width, with: x)
            blockMix(&x, into: &y, r: r)
            swap(&x, &y)
        }
        let last = (2 * r - 1) * 16
        for _ in 0..<n {
            // Integerify: the last block's first 64 bits, little-endian, modulo n (a power of two).
            let j = Int(truncatingIfNeeded: (UInt64(x[last + 1]) << 32 | UInt64(x[last])) & UInt64(n - 1))
            for k in 0..<width { x[k] ^= v[j * width + k] }
            blockMix(&x, into: &y, r: r)
            swap(&x, &y)
        }
    }

    /// BlockMix with Salsa20/8: the 2r 16-word blocks of `b`, chained, even outputs first then odd ones.
    static func blockMix(_ b: inout [UInt32], into y: inout [UInt32], r: Int) {
        var chunk = Array(b[(2 * r - 1) * 16..<2 * r * 16])
        for i in 0..<2 * r {
            for k in 0..<16 { chunk[k] ^= b[i * 16 + k] }
            salsa20_8(&chunk)
            let target = (i % 2 == 0 ? i / 2 : r + i / 2) * 16
            for k in 0..<16 { y[target + k] = chunk[k] }
        }
    }

    /// The Salsa20/8 core on 16 words, in place.
    static func salsa20_8(_ block: inout [UInt32]) {
        var x = (
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
        let mixed = [
            x.0, x.1, x.2, x.3, x.4, x.5, x.6, x.7, x.8, x.9, x.10, x.11, x.12, x.13, x.14, x.15,
        ]
        for k in 0..<16 { block[k] = block[k] &+ mixed[k] }
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
