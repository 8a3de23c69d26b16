public import JSON

/// The key-derivation function of a V3 keystore and its cost parameters.
public enum KeystoreKDF: Hashable, Sendable {
    /// scrypt with cost `n` (a power of two), block size `r` and parallelism `p`.
    case scrypt(n: UInt64, r: UInt64, p: UInt64)
    /// PBKDF2 with HMAC-SHA-256 and `iterations` rounds.
    case pbkdf2(iterations: Int)

    /// What new keystores use, as eth-account does: scrypt n = 2^18, r = 1, p = 8 (32 MiB, about a second).
    public static let standard = KeystoreKDF.scrypt(n: 1 << 18, r: 1, p: 8)
}

/// Bounds on the cost parameters a keystore file may demand, so a hostile file cannot ask for gigabytes of memory
/// or hours of work.
public struct KeystoreLimits: Hashable, Sendable {
    /// The most memory scrypt may use (128 · n · r bytes); the default admits geth's "standard" n = 2^18, r = 8.
    public var maxScryptMemory: UInt64
    /// The largest n · r · p (scrypt's work, in units of one 128-byte block mix).
    public var maxScryptWork: UInt64
    /// The largest PBKDF2 iteration count.
    public var maxPBKDF2Iterations: Int
    /// The largest file accepted, in bytes.
    public var maxFileSize: Int

    /// Limits; the defaults are 256 MiB, 2^22 block mixes, 2^22 PBKDF2 rounds and 64 KiB.
    public init(
        maxScryptMemory: UInt64 = 256 << 20, maxScryptWork: UInt64 = 1 << 22, maxPBKDF2Iterations: Int = 1 << 22,
        maxFileSize: Int = 64 << 10
    ) {
        (self.maxScryptMemory, self.maxScryptWork) = (maxScryptMemory, maxScryptWork)
        (self.maxPBKDF2Iterations, self.maxFileSize) = (maxPBKDF2Iterations, maxFileSize)
    }

    /// The largest derived key length read from a file (the MAC needs at least 32 bytes).
    static let derivedKeyLengths = 32...64
    /// The largest salt read from a file, in bytes.
    static let maxSaltLength = 1024

    /// Throws unless `kdf` stays within these limits.
    func check(_ kdf: KeystoreKDF) throws(KeystoreError) {
        switch kdf {
        case .scrypt(let n, let r, let p):
            guard n > 1, n & (n - 1) == 0 else { throw .malformed(field: "kdfparams.n") }
            guard r > 0 else { throw .malformed(field: "kdfparams.r") }
            guard p > 0 else { throw .malformed(field: "kdfparams.p") }
            // Each factor is checked before the products, so none of them can overflow.
            try bound("kdfparams.n", n, 1 << 32)
            try bound("kdfparams.r", r, 1 << 12)
            try bound("kdfparams.p", p, 1 << 12)
            try bound("scrypt memory (128·n·r)", 128 * n * r, maxScryptMemory)
            try bound("scrypt work (n·r·p)", n * r * p, maxScryptWork)
        case .pbkdf2(let iterations):
            guard iterations > 0 else { throw .malformed(field: "kdfparams.c") }
            try bound("kdfparams.c", UInt64(iterations), UInt64(maxPBKDF2Iterations))
        }
    }

    private func bound(_ name: String, _ found: UInt64, _ limit: UInt64) throws(KeystoreError) {
        guard found <= limit else { throw .parameterOutOfBounds(name: name, limit: limit, found: found) }
    }
}

/// Why a keystore could not be read or opened.
public enum KeystoreError: Error, Equatable, Sendable {
    /// The file is larger than the limit.
    case tooLarge(limit: Int, found: Int)
    /// The file is not JSON.
    case json(JSONError)
    /// A required field is missing or has the wrong shape (named by its path).
    case malformed(field: String)
    /// A `version` other than 3.
    case unsupportedVersion(found: Int64)
    /// A KDF other than scrypt or pbkdf2 with hmac-sha256.
    case unsupportedKDF(String)
    /// A cipher other than aes-128-ctr.
    case unsupportedCipher(String)
    /// A cost parameter above its limit.
    case parameterOutOfBounds(name: String, limit: UInt64, found: UInt64)
    /// The MAC does not match: the password is wrong (or the file was altered).
    case wrongPassword
    /// The KDF failed (out of memory).
    case keyDerivationFailed
    /// The decrypted bytes are not a valid secret key.
    case invalidKey(KeyError)
    /// The file's `address` is not the decrypted key's address.
    case addressMismatch(expected: Address, found: Address)
}
