// The only file that imports COpenSSL: it turns libcrypto calls into plain Swift values.
import COpenSSL

/// An EVP digest fetched from the default provider once per process. `EVP_sha256()` is a legacy handle:
/// libcrypto 3 fetches the implementation behind it by name on every `EVP_Digest` (~2.3k instructions, a lock
/// and a hash-table lookup), several times per proxied request.
// Sound (@unchecked Sendable): a fetched EVP_MD is immutable and libcrypto documents it as shareable between
// threads; it is never freed (one per process).
@safe private struct FetchedDigest: @unchecked Sendable {
    let algorithm: OpaquePointer?

    static let sha256 = unsafe FetchedDigest(name: "SHA256", legacy: EVP_sha256())

    /// Falls back to the legacy handle (fetched per call, as before) if the provider has no such digest.
    private init(name: String, legacy: OpaquePointer?) {
        // Sound: `name` is passed as a C string that lives for the call; the result is owned for the process.
        unsafe algorithm = unsafe EVP_MD_fetch(nil, name, nil) ?? legacy
    }
}

/// Thin, internal wrappers over the libcrypto primitives the public Hashing API is built on.
enum LibCrypto {
    /// Length in bytes of a SHA-256 digest.
    static let sha256Length = 32

    /// One-shot SHA-256 of a contiguous buffer through the EVP interface, with the algorithm fetched once.
    static func sha256(_ input: UnsafeRawBufferPointer) -> [UInt8] {
        unsafe digest(input, algorithm: FetchedDigest.sha256.algorithm, length: sha256Length, name: "SHA-256")
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

    /// scrypt (RFC 7914) into `output`; `false` when libcrypto rejects the parameters or cannot get the memory.
    static func scrypt(
        password: [UInt8], salt: [UInt8], n: UInt64, r: UInt64, p: UInt64, maxMemory: UInt64, output: inout [UInt8]
    ) -> Bool {
        // Sound: each closure lends a live buffer (never nil: one spare byte) for the duration of the call, and
        // `output` has room for the `output.count` bytes written.
        unsafe withNonNull(password) { pass in
            unsafe withNonNull(salt) { saltBytes in
                unsafe output.withUnsafeMutableBufferPointer { out in
                    unsafe EVP_PBE_scrypt(
                        UnsafeRawPointer(pass).assumingMemoryBound(to: CChar.self), password.count,
                        saltBytes, salt.count, n, r, p, maxMemory, out.baseAddress, out.count) == 1
                }
            }
        }
    }

    /// PBKDF2 with HMAC-SHA-256 into `output`; `false` when libcrypto fails.
    static func pbkdf2SHA256(password: [UInt8], salt: [UInt8], iterations: Int32, output: inout [UInt8]) -> Bool {
        // Sound: as in `scrypt`; the lengths fit Int32 (checked by the caller).
        unsafe withNonNull(password) { pass in
            unsafe withNonNull(salt) { saltBytes in
                unsafe output.withUnsafeMutableBufferPointer { out in
                    unsafe PKCS5_PBKDF2_HMAC(
                        UnsafeRawPointer(pass).assumingMemoryBound(to: CChar.self), Int32(password.count),
                        saltBytes, Int32(salt.count), iterations, EVP_sha256(), Int32(out.count), out.baseAddress) == 1
                }
            }
        }
    }

    /// AES-128 in counter mode (the 16-byte `iv` is the initial counter block, incremented as a 128-bit
    /// big-endian number): encryption and decryption are the same operation.
    static func aes128CTR(key: [UInt8], iv: [UInt8], data: [UInt8]) -> [UInt8] {
        precondition(key.count == 16 && iv.count == 16, "AES-128-CTR needs a 16-byte key and IV")
        guard let context = unsafe EVP_CIPHER_CTX_new() else { preconditionFailure("libcrypto: out of memory") }
        defer { unsafe EVP_CIPHER_CTX_free(context) }
        var output = [UInt8](repeating: 0, count: data.count + 16)
        var written: Int32 = 0
        var final: Int32 = 0
        // Sound: key and IV hold 16 bytes each; `output` has room for the input plus one block; the lengths
        // outlive the calls. CTR is a stream mode, so Final writes nothing.
        let ok = unsafe key.withUnsafeBufferPointer { keyBytes in
            unsafe iv.withUnsafeBufferPointer { ivBytes in
                unsafe withNonNull(data) { input in
                    unsafe output.withUnsafeMutableBufferPointer { out in
                        unsafe EVP_EncryptInit_ex(
                            context, EVP_aes_128_ctr(), nil, keyBytes.baseAddress, ivBytes.baseAddress)
                            == 1
                            && EVP_EncryptUpdate(context, out.baseAddress, &written, input, Int32(data.count)) == 1
                            && EVP_EncryptFinal_ex(context, out.baseAddress! + Int(written), &final) == 1
                    }
                }
            }
        }
        precondition(ok && Int(written + final) == data.count, "libcrypto AES-128-CTR failed")
        return Array(output.prefix(data.count))
    }

    /// Lends `bytes` as a pointer that is never nil, even for an empty array (some libcrypto entry points treat
    /// NULL specially).
    private static func withNonNull<Result>(
        _ bytes: [UInt8], _ body: (UnsafePointer<UInt8>) -> Result
    ) -> Result {
        let padded = bytes + [0]
        // Sound: `padded` is never empty, so its base address exists while the closure runs.
        return unsafe padded.withUnsafeBufferPointer { unsafe body($0.baseAddress!) }
    }
}
