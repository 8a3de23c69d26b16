/// Cryptographically secure random bytes from the operating system's CSPRNG (through libcrypto's RAND_bytes).
public enum SecureRandom {
    /// Returns `count` random bytes; `count` must not be negative.
    public static func bytes(_ count: Int) -> [UInt8] {
        precondition(count >= 0, "SecureRandom.bytes needs a non-negative count")
        var result = [UInt8](repeating: 0, count: count)
        // Sound: the closure writes only inside `result`'s own storage.
        unsafe result.withUnsafeMutableBytes { unsafe LibCrypto.fillRandom($0) }
        return result
    }
}
