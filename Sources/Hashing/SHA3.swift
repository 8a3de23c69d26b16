/// NIST SHA3-256 (FIPS 202) computed by libcrypto. Not Ethereum's Keccak-256, which pads differently.
public enum SHA3_256 {
    /// Length in bytes of a digest.
    public static let digestLength = 32

    /// Returns the 32-byte SHA3-256 digest of `bytes`.
    public static func hash(_ bytes: [UInt8]) -> [UInt8] {
        // Sound: the closure only reads `bytes`'s storage while it is alive.
        unsafe bytes.withUnsafeBytes { unsafe LibCrypto.sha3_256($0) }
    }
}
