// The only file that imports COpenSSL: it turns libcrypto calls into plain Swift values.
import COpenSSL

/// Thin, internal wrappers over the libcrypto primitives the public Hashing API is built on.
enum LibCrypto {
    /// Length in bytes of a SHA-256 digest.
    static let sha256Length = 32

    /// One-shot SHA-256 of a contiguous buffer through the EVP interface.
    static func sha256(_ input: UnsafeRawBufferPointer) -> [UInt8] {
        unsafe digest(input, algorithm: EVP_sha256(), length: sha256Length, name: "SHA-256")
    }

    /// One-shot NIST SHA3-256 (FIPS 202) of a contiguous buffer through the EVP interface.
    static func sha3_256(_ input: UnsafeRawBufferPointer) -> [UInt8] {
        unsafe digest(input, algorithm: EVP_sha3_256(), length: 32, name: "SHA3-256")
    }

    /// One-shot digest of `input` with an EVP algorithm producing `length` bytes.
    private static func digest(
        _ input: UnsafeRawBufferPointer, algorithm: OpaquePointer?, length: Int, name: String
    ) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: length)
        var written: UInt32 = 0
        // Sound: `input` is a live buffer for the duration of the call, `digest` has room for the `length` bytes
        // the algorithm produces, and `written` outlives the call.
        let ok = unsafe digest.withUnsafeMutableBytes { out in
            unsafe EVP_Digest(
                input.baseAddress, input.count,
                out.baseAddress?.assumingMemoryBound(to: UInt8.self), &written,
                algorithm, nil)
        }
        // EVP_Digest only fails on allocation failure or a broken libcrypto build; neither is recoverable.
        precondition(ok == 1 && written == UInt32(length), "libcrypto EVP_Digest(\(name)) failed")
        return digest
    }

    /// Fills `buffer` from libcrypto's CSPRNG (seeded from the kernel via getrandom).
    static func fillRandom(_ buffer: UnsafeMutableRawBufferPointer) {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return }
        // RAND_bytes takes an Int32 length, so large requests are filled in chunks.
        var offset = 0
        while offset < buffer.count {
            let chunk = min(buffer.count - offset, Int(Int32.max))
            // Sound: [offset, offset + chunk) lies inside `buffer`, which is live for this call.
            let ok = unsafe RAND_bytes((base + offset).assumingMemoryBound(to: UInt8.self), Int32(chunk))
            // Without randomness no key or token can be minted safely; stopping is the only honest option.
            precondition(ok == 1, "libcrypto RAND_bytes failed: the system CSPRNG is unavailable")
            offset += chunk
        }
    }

    /// Compares two equally long buffers in time independent of their contents.
    static func memoryEquals(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
        precondition(a.count == b.count, "memoryEquals needs equal lengths")
        guard a.count > 0 else { return true }
        // Sound: both buffers are live for the call and hold at least `a.count` bytes.
        return unsafe CRYPTO_memcmp(a.baseAddress, b.baseAddress, a.count) == 0
    }
}
