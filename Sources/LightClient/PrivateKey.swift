import Hashing

/// A secp256k1 secret key: 32 bytes, not zero and below the group order.
///
/// Its description, debug description and reflection are redacted so the key never reaches a log by accident;
/// `secretBytes` is the one explicit way out (for keystores and exports).
public struct PrivateKey: Sendable {
    /// The 32 secret bytes.
    public let secretBytes: [UInt8]

    /// Length in bytes of a secret key.
    public static let length = 32

    /// The key with these 32 bytes; throws for another length, zero, or a value not below the group order.
    public init(bytes: some Collection<UInt8>) throws(KeyError) {
        guard bytes.count == Self.length else { throw .invalidLength(expected: Self.length, found: bytes.count) }
        let secret = Array(bytes)
        guard Secp256k1.isValidSecretKey(secret) else { throw .outOfRange }
        secretBytes = secret
    }

    /// A new key from the operating system's CSPRNG (getrandom).
    public static func generate() -> PrivateKey {
        while true {
            // A random 32-byte string is invalid with probability below 2^-127; draw again if it is.
            if let key = try? PrivateKey(bytes: SystemRandom.bytes(length)) { return key }
        }
    }

    /// The matching public key.
    public var publicKey: PublicKey {
        PublicKey(uncompressed: Secp256k1.publicKey(secret: secretBytes))
    }

    /// The account address of this key.
    public var address: Address { publicKey.address }

    /// Signs a 32-byte digest (RFC 6979 nonce, low s); throws for another digest length.
    public func sign(digest: [UInt8]) throws(SignatureError) -> Signature {
        guard digest.count == 32 else { throw .invalidDigestLength(found: digest.count) }
        let (compact, recoveryID) = Secp256k1.signRecoverable(digest: digest, secret: secretBytes)
        return Signature(
            trusted: UInt256(bigEndianBytes: compact[0..<32])!, s: UInt256(bigEndianBytes: compact[32..<64])!,
            yParity: UInt8(recoveryID))
    }
}

extension PrivateKey: Equatable {
    /// Equal keys, compared without an early exit.
    public static func == (lhs: PrivateKey, rhs: PrivateKey) -> Bool {
        zip(lhs.secretBytes, rhs.secretBytes).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}

extension PrivateKey: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// Redacted.
    public var description: String { "PrivateKey(redacted)" }
    /// Redacted.
    public var debugDescription: String { description }
    /// No children, so `dump` and reflection-based printing show nothing secret.
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}

/// A secp256k1 public key, kept as the 64 bytes x ‖ y of the point.
public struct PublicKey: Hashable, Sendable {
    /// The 64 bytes x ‖ y (the uncompressed encoding without its 0x04 prefix).
    public let bytes: [UInt8]

    /// A point already validated by libsecp256k1, in its 65-byte uncompressed form.
    init(uncompressed: [UInt8]) {
        bytes = Array(uncompressed.dropFirst())
    }

    /// Parses a point: 64 bytes x ‖ y, or any SEC 1 encoding (33 compressed, 65 uncompressed); throws if the bytes
    /// are not a point on the curve.
    public init(bytes: some Collection<UInt8>) throws(KeyError) {
        let encoded = bytes.count == 64 ? [0x04] + Array(bytes) : Array(bytes)
        guard [33, 65].contains(encoded.count) else { throw .invalidLength(expected: 64, found: bytes.count) }
        guard let point = Secp256k1.normalizedPublicKey(encoded) else { throw .notOnCurve }
        self.init(uncompressed: point)
    }

    /// The 65-byte SEC 1 uncompressed encoding (0x04 ‖ x ‖ y).
    public var uncompressed: [UInt8] { [0x04] + bytes }

    /// The account address: the last 20 bytes of keccak256(x ‖ y).
    public var address: Address {
        Address(bytes: Keccak256.hash(bytes).suffix(Address.length))!
    }
}

/// Why bytes are not a key.
public enum KeyError: Error, Equatable, Sendable {
    /// The wrong number of bytes.
    case invalidLength(expected: Int, found: Int)
    /// A secret key that is zero or not below the group order (the value is never echoed).
    case outOfRange
    /// Public key bytes that are not a point on secp256k1.
    case notOnCurve
}
