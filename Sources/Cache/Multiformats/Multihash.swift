import Hashing

/// A self-describing digest: hash function code, digest length, digest.
public struct Multihash: Hashable, Sendable {
    /// The hash function.
    public let function: Multicodec
    /// The digest bytes.
    public let digest: [UInt8]

    /// The longest inline (`identity`) content accepted, as kubo bounds it.
    public static let maximumIdentityLength = 128

    /// A multihash after checking that `digest` suits `function`.
    public init(function: Multicodec, digest: [UInt8]) throws(MultiformatError) {
        switch function {
        case .sha2_256:
            guard digest.count == SHA256.digestLength else {
                throw .wrongDigestLength(code: function.rawValue, expected: SHA256.digestLength, actual: digest.count)
            }
        case .identity:
            guard digest.count <= Self.maximumIdentityLength else {
                throw .wrongDigestLength(
                    code: function.rawValue, expected: Self.maximumIdentityLength, actual: digest.count)
            }
        default:
            throw .unsupportedHashFunction(function.rawValue)
        }
        self.function = function
        self.digest = digest
    }

    /// Parses exactly one multihash.
    public init(bytes: [UInt8]) throws(MultiformatError) {
        var reader = ByteReader(bytes)
        try self.init(reading: &reader)
        try reader.expectEnd()
    }

    init(reading reader: inout ByteReader) throws(MultiformatError) {
        let code = try reader.varint()
        let length = try reader.varint()
        guard length <= UInt64(reader.remaining) else { throw .truncated }
        try self.init(function: Multicodec(rawValue: code), digest: try reader.take(Int(length)))
    }

    /// The SHA-256 multihash of `content`.
    public static func sha256(of content: some Sequence<UInt8>) -> Multihash {
        // Sound: SHA256.hash always returns 32 bytes.
        try! Multihash(function: .sha2_256, digest: SHA256.hash(content))
    }

    /// The identity multihash of small `content`.
    public static func identity(of content: [UInt8]) throws(MultiformatError) -> Multihash {
        try Multihash(function: .identity, digest: content)
    }

    /// The binary form.
    public var bytes: [UInt8] {
        var out = Varint.encode(function.rawValue)
        Varint.append(UInt64(digest.count), to: &out)
        return out + digest
    }

    /// Whether `content` hashes to this multihash.
    public func matches(_ content: [UInt8]) -> Bool {
        switch function {
        case .identity: content == digest
        case .sha2_256: SHA256.hash(content) == digest
        default: false
        }
    }
}
