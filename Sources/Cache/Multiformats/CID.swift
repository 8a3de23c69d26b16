/// A content identifier: version, content codec and the multihash of the content.
///
/// CIDv0 is a bare sha2-256 multihash of a dag-pb node, written in base58btc (`Qm…`). CIDv1 is
/// `varint(1) varint(codec) multihash`, written in any multibase (base32 `b…` by default).
public struct CID: Hashable, Sendable, CustomStringConvertible {
    /// The CID version.
    public enum Version: UInt64, Sendable {
        case v0 = 0
        case v1 = 1
    }

    /// The version.
    public let version: Version
    /// What the content is.
    public let codec: Multicodec
    /// The content's multihash.
    public let multihash: Multihash

    /// A CIDv1.
    public init(codec: Multicodec, multihash: Multihash) throws(MultiformatError) {
        guard Multicodec.contentCodecs.contains(codec) else { throw .unsupportedCodec(codec.rawValue) }
        self.version = .v1
        self.codec = codec
        self.multihash = multihash
    }

    /// A CIDv0: a sha2-256 multihash of a dag-pb node.
    public init(v0 multihash: Multihash) throws(MultiformatError) {
        guard multihash.function == .sha2_256 else { throw .invalidCIDv0("the multihash is not sha2-256") }
        self.version = .v0
        self.codec = .dagPB
        self.multihash = multihash
    }

    /// The CIDv1 of `content` with a sha2-256 multihash.
    public static func sha256(_ content: some Sequence<UInt8>, codec: Multicodec = .raw) throws(MultiformatError) -> CID
    {
        try CID(codec: codec, multihash: .sha256(of: content))
    }

    /// Parses the binary form (CIDv0: the 34-byte multihash; CIDv1: version, codec, multihash).
    public init(bytes: [UInt8]) throws(MultiformatError) {
        guard let first = bytes.first else { throw .empty }
        if first == 0x12 && bytes.count == 34 && bytes[1] == 0x20 {
            try self.init(v0: try Multihash(bytes: bytes))
            return
        }
        var reader = ByteReader(bytes)
        let version = try reader.varint()
        guard version == 1 else { throw .unsupportedCIDVersion(version) }
        let codec = Multicodec(rawValue: try reader.varint())
        let multihash = try Multihash(reading: &reader)
        try reader.expectEnd()
        try self.init(codec: codec, multihash: multihash)
    }

    /// Parses the text form: a 46-character `Qm…` CIDv0, or a multibase CIDv1.
    public init(_ text: some StringProtocol) throws(MultiformatError) {
        if text.utf8.count == 46 && text.hasPrefix("Qm") {
            let bytes = try Multibase.base58btc.decodeWithoutPrefix(Substring(text))
            guard bytes.count == 34, bytes[0] == 0x12, bytes[1] == 0x20 else {
                throw .invalidCIDv0("not a sha2-256 multihash")
            }
            try self.init(v0: try Multihash(bytes: bytes))
            return
        }
        let (_, bytes) = try Multibase.decode(text)
        guard bytes.first != 0x12 else { throw .invalidCIDv0("a CIDv0 is written in base58btc without a prefix") }
        try self.init(bytes: bytes)
    }

    /// The binary form.
    public var bytes: [UInt8] {
        switch version {
        case .v0: return multihash.bytes
        case .v1:
            var out = Varint.encode(Version.v1.rawValue)
            Varint.append(codec.rawValue, to: &out)
            return out + multihash.bytes
        }
    }

    /// The canonical text: base58btc for CIDv0, base32 for CIDv1.
    public var description: String {
        switch version {
        case .v0: Multibase.base58btc.encodeWithoutPrefix(bytes)
        case .v1: Multibase.base32.encode(bytes)
        }
    }

    /// The CIDv1 text in another multibase (CIDv0 has only its base58btc form).
    public func string(in base: Multibase) -> String {
        version == .v0 ? description : base.encode(bytes)
    }

    /// The same content as a CIDv1.
    public var v1: CID {
        // Sound: a CIDv0's codec (dag-pb) is a supported content codec.
        version == .v1 ? self : try! CID(codec: codec, multihash: multihash)
    }

    /// The same content as a CIDv0; only dag-pb with a sha2-256 digest has one.
    public func v0() throws(MultiformatError) -> CID {
        guard codec == .dagPB else { throw .invalidCIDv0("only dag-pb content has a CIDv0, not \(codec)") }
        return try CID(v0: multihash)
    }
}
