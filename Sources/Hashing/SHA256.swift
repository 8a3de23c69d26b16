/// SHA-256 (FIPS 180-4) computed by libcrypto.
public enum SHA256 {
    /// Length in bytes of a digest.
    public static let digestLength = 32

    /// Returns the 32-byte SHA-256 digest of `bytes`.
    public static func hash(_ bytes: some Sequence<UInt8>) -> [UInt8] {
        // Contiguous inputs (arrays, String.UTF8View of native strings) are hashed in place.
        // Sound: the closure only reads the sequence's storage while it is lent to us.
        let inPlace = bytes.withContiguousStorageIfAvailable { unsafe LibCrypto.sha256(UnsafeRawBufferPointer($0)) }
        if let digest = inPlace {
            return digest
        }
        let copy = Array(bytes)
        // Sound: the closure only reads `copy`'s storage while it is alive.
        return unsafe copy.withUnsafeBytes { unsafe LibCrypto.sha256($0) }
    }
}
