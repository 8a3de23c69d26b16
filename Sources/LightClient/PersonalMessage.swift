import Hashing

/// EIP-191 version 0x45 ("personal_sign") messages: `"\u{19}Ethereum Signed Message:\n" + length + message`.
public enum PersonalMessage {
    /// keccak256 of the prefixed message, the digest `personal_sign` signs.
    public static func digest(_ message: some Collection<UInt8>) -> [UInt8] {
        var hasher = Keccak256()
        hasher.update(Array("\u{19}Ethereum Signed Message:\n\(message.count)".utf8))
        hasher.update(Array(message))
        return hasher.finalize()
    }

    /// Signs `message` as `personal_sign` does.
    public static func sign(_ message: some Collection<UInt8>, with key: PrivateKey) -> Signature {
        try! key.sign(digest: digest(message))  // the digest is always 32 bytes
    }

    /// The address that signed `message` with `signature`.
    public static func recoverAddress(
        _ message: some Collection<UInt8>, signature: Signature
    ) throws(SignatureError) -> Address {
        try signature.recoverAddress(digest: digest(message))
    }
}
