/// Password-based key derivation computed by libcrypto. Callers bound the cost parameters of untrusted input.
public enum KeyDerivation {
    /// scrypt (RFC 7914): `length` bytes from `password` and `salt` with cost `n` (a power of two above 1), block
    /// size `r` and parallelism `p`, using at most `maxMemory` bytes.
    public static func scrypt(
        password: [UInt8], salt: [UInt8], n: UInt64, r: UInt64, p: UInt64, length: Int,
        maxMemory: UInt64 = 512 << 20
    ) throws(KeyDerivationError) -> [UInt8] {
        guard n > 1, n & (n - 1) == 0, r > 0, p > 0, length > 0 else { throw .invalidParameters }
        // libcrypto enforces RFC 7914's n < 2^(16·r); Ethereum keystores do not, so the rest runs in Swift.
        if 16 * r < 64 && n >= 1 << (16 * r) {
            guard n <= 1 << 32, r < 1 << 12, p < 1 << 12, 128 * r * n <= maxMemory else { throw .rejected }
            return try Scrypt.derive(password: password, salt: salt, n: Int(n), r: Int(r), p: Int(p), length: length)
        }
        var output = [UInt8](repeating: 0, count: length)
        guard
            LibCrypto.scrypt(
                password: password, salt: salt, n: n, r: r, p: p, maxMemory: maxMemory, output: &output)
        else { throw .rejected }
        return output
    }

    /// PBKDF2 (RFC 8018) with HMAC-SHA-256: `length` bytes after `iterations` rounds.
    public static func pbkdf2SHA256(
        password: [UInt8], salt: [UInt8], iterations: Int, length: Int
    ) throws(KeyDerivationError) -> [UInt8] {
        let limit = Int(Int32.max)
        guard (1...limit).contains(iterations), (1...limit).contains(length), password.count < limit,
            salt.count < limit
        else { throw .invalidParameters }
        var output = [UInt8](repeating: 0, count: length)
        guard
            LibCrypto.pbkdf2SHA256(
                password: password, salt: salt, iterations: Int32(iterations), output: &output)
        else { throw .rejected }
        return output
    }
}

/// Why a key could not be derived.
public enum KeyDerivationError: Error, Equatable, Sendable {
    /// Parameters outside what the function accepts (n not a power of two, zero counts, sizes beyond 2^31).
    case invalidParameters
    /// libcrypto refused (parameters it rejects, or more memory than `maxMemory` or the system grants).
    case rejected
}

/// AES-128 in counter mode (NIST SP 800-38A) computed by libcrypto, as Ethereum keystores use it.
public enum AES128CTR {
    /// Encrypts or decrypts `data` (the same operation) with a 16-byte key and a 16-byte initial counter block.
    public static func apply(key: [UInt8], iv: [UInt8], to data: [UInt8]) -> [UInt8] {
        LibCrypto.aes128CTR(key: key, iv: iv, data: data)
    }
}
