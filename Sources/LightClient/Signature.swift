/// A recoverable ECDSA signature over secp256k1: r, s and the parity of the nonce point's y (the recovery id).
public struct Signature: Hashable, Sendable {
    /// The x coordinate of the nonce point, modulo the group order.
    public let r: UInt256
    /// The proof scalar; always in the lower half of the group order (EIP-2).
    public let s: UInt256
    /// The recovery id: 0 or 1.
    public let yParity: UInt8

    /// The secp256k1 group order n.
    public static let groupOrder = UInt256(hex: "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141")!
    /// n / 2: the largest s accepted.
    public static let halfGroupOrder = UInt256(hex: "7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0")!

    /// A signature from its parts; throws unless 0 < r < n, 0 < s ≤ n/2 and `yParity` is 0 or 1.
    public init(r: UInt256, s: UInt256, yParity: UInt8) throws(SignatureError) {
        guard !r.isZero && r < Self.groupOrder else { throw .scalarOutOfRange }
        guard !s.isZero && s < Self.groupOrder else { throw .scalarOutOfRange }
        guard s <= Self.halfGroupOrder else { throw .highS }
        guard yParity <= 1 else { throw .invalidRecoveryID(found: UInt256(UInt64(yParity))) }
        (self.r, self.s, self.yParity) = (r, s, yParity)
    }

    /// Parts that libsecp256k1 produced (already in range).
    init(trusted r: UInt256, s: UInt256, yParity: UInt8) {
        (self.r, self.s, self.yParity) = (r, s, yParity)
    }

    /// Parses 65 bytes r ‖ s ‖ v, where v is 27 or 28 (or the bare recovery id 0 or 1).
    public init(bytes: some Collection<UInt8>) throws(SignatureError) {
        guard bytes.count == 65 else { throw .invalidLength(expected: 65, found: bytes.count) }
        let array = Array(bytes)
        let v = array[64]
        let parity: UInt8
        switch v {
        case 0, 1: parity = v
        case 27, 28: parity = v - 27
        default: throw .invalidRecoveryID(found: UInt256(UInt64(v)))
        }
        try self.init(
            r: UInt256(bigEndianBytes: array[0..<32])!, s: UInt256(bigEndianBytes: array[32..<64])!, yParity: parity)
    }

    /// v as messages carry it: 27 + yParity.
    public var v: UInt8 { 27 + yParity }

    /// The 65-byte form r ‖ s ‖ v with v = 27 + yParity, as `personal_sign` and `eth_signTypedData` return it.
    public var bytes: [UInt8] { r.bigEndianBytes + s.bigEndianBytes + [v] }

    /// The public key that signed `digest` (32 bytes).
    public func recoverPublicKey(digest: [UInt8]) throws(SignatureError) -> PublicKey {
        guard digest.count == 32 else { throw .invalidDigestLength(found: digest.count) }
        let compact = r.bigEndianBytes + s.bigEndianBytes
        guard let point = Secp256k1.recover(digest: digest, compact: compact, recoveryID: Int(yParity)) else {
            throw .recoveryFailed
        }
        return PublicKey(uncompressed: point)
    }

    /// The address of the key that signed `digest` (32 bytes).
    public func recoverAddress(digest: [UInt8]) throws(SignatureError) -> Address {
        try recoverPublicKey(digest: digest).address
    }
}

/// Why a signature was rejected or could not be made or checked.
public enum SignatureError: Error, Equatable, Sendable {
    /// The wrong number of bytes.
    case invalidLength(expected: Int, found: Int)
    /// A digest that is not 32 bytes.
    case invalidDigestLength(found: Int)
    /// r or s is zero or not below the group order.
    case scalarOutOfRange
    /// s is above n/2 (EIP-2 allows only the low form).
    case highS
    /// A v or recovery id that is not one of the accepted values.
    case invalidRecoveryID(found: UInt256)
    /// No public key recovers from this signature and digest.
    case recoveryFailed
}
