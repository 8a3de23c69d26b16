/// Why bytes or text are not a valid multiformat value.
public enum MultiformatError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A varint ran past the end of the input.
    case truncatedVarint
    /// A varint longer than 9 bytes or above 2^63 - 1 (the unsigned-varint spec's bounds).
    case varintTooLarge
    /// A varint with a redundant trailing zero group (e.g. `0x80 0x00` for 0): not the one canonical encoding.
    case nonCanonicalVarint
    /// The multibase prefix is not one this implementation knows.
    case unknownMultibase(String)
    /// A character outside the encoding's alphabet, or bits/padding that no encoder would produce.
    case invalidEncoding(base: String, reason: String)
    /// A multihash function this implementation does not verify.
    case unsupportedHashFunction(UInt64)
    /// The digest length does not match the hash function (or exceeds the bound for `identity`).
    case wrongDigestLength(code: UInt64, expected: Int, actual: Int)
    /// Bytes left over after a complete value.
    case trailingBytes(Int)
    /// The input ended inside a value.
    case truncated
    /// A CID version other than 0 and 1.
    case unsupportedCIDVersion(UInt64)
    /// A content codec other than raw, dag-pb, dag-cbor, dag-json and libp2p-key.
    case unsupportedCodec(UInt64)
    /// A CIDv0 must be a base58btc sha2-256 dag-pb multihash; this one is not.
    case invalidCIDv0(String)
    /// Empty input where a value was expected.
    case empty

    public var description: String {
        switch self {
        case .truncatedVarint: "varint ends before its last byte"
        case .varintTooLarge: "varint is longer than 9 bytes"
        case .nonCanonicalVarint: "varint is not minimally encoded"
        case .unknownMultibase(let prefix): "unknown multibase prefix '\(prefix)'"
        case .invalidEncoding(let base, let reason): "invalid \(base): \(reason)"
        case .unsupportedHashFunction(let code): "unsupported multihash function 0x\(String(code, radix: 16))"
        case .wrongDigestLength(let code, let expected, let actual):
            "multihash 0x\(String(code, radix: 16)) needs a \(expected)-byte digest, not \(actual)"
        case .trailingBytes(let count): "\(count) unexpected bytes after the value"
        case .truncated: "input ends inside the value"
        case .unsupportedCIDVersion(let version): "unsupported CID version \(version)"
        case .unsupportedCodec(let code): "unsupported content codec 0x\(String(code, radix: 16))"
        case .invalidCIDv0(let reason): "invalid CIDv0: \(reason)"
        case .empty: "empty input"
        }
    }
}
