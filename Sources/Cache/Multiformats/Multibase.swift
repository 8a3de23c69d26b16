/// The multibase encodings: a one-character prefix names how the rest of the text encodes bytes.
public enum Multibase: String, CaseIterable, Sendable {
    case base2, base8, base10
    case base16, base16upper
    case base32, base32upper, base32pad, base32padupper
    case base32hex, base32hexupper, base32hexpad, base32hexpadupper
    case base32z
    case base36, base36upper
    case base45
    case base58btc, base58flickr
    case base64, base64pad, base64url, base64urlpad
    case base256emoji

    /// The registry name, e.g. `base32`.
    public var name: String { rawValue }

    /// The prefix character.
    public var prefix: Character {
        switch self {
        case .base2: "0"
        case .base8: "7"
        case .base10: "9"
        case .base16: "f"
        case .base16upper: "F"
        case .base32: "b"
        case .base32upper: "B"
        case .base32pad: "c"
        case .base32padupper: "C"
        case .base32hex: "v"
        case .base32hexupper: "V"
        case .base32hexpad: "t"
        case .base32hexpadupper: "T"
        case .base32z: "h"
        case .base36: "k"
        case .base36upper: "K"
        case .base45: "R"
        case .base58btc: "z"
        case .base58flickr: "Z"
        case .base64: "m"
        case .base64pad: "M"
        case .base64url: "u"
        case .base64urlpad: "U"
        case .base256emoji: "🚀"
        }
    }

    /// The encoding named by the first character of `text`.
    public init(prefixOf text: some StringProtocol) throws(MultiformatError) {
        guard let first = text.first else { throw .empty }
        guard let base = Self.byPrefix[first] else { throw .unknownMultibase(String(first)) }
        self = base
    }

    /// `bytes` as prefix + encoding.
    public func encode(_ bytes: [UInt8]) -> String {
        String(prefix) + encodeWithoutPrefix(bytes)
    }

    /// The bytes of a multibase text, with the encoding it used.
    public static func decode(_ text: some StringProtocol) throws(MultiformatError) -> (base: Multibase, bytes: [UInt8])
    {
        let base = try Multibase(prefixOf: text)
        let body = Substring(text).dropFirst()
        return (base, try base.decodeWithoutPrefix(body))
    }

    /// The encoding alone (no prefix).
    public func encodeWithoutPrefix(_ bytes: [UInt8]) -> String {
        switch coding {
        case .bits(let coder): coder.encode(bytes)
        case .number(let coder): coder.encode(bytes)
        case .base45: BaseCoding.Base45().encode(bytes)
        case .emoji: BaseCoding.Emoji().encode(bytes)
        }
    }

    /// Decodes text without its prefix.
    public func decodeWithoutPrefix(_ body: Substring) throws(MultiformatError) -> [UInt8] {
        switch coding {
        case .bits(let coder): try coder.decode(body, name: name)
        case .number(let coder): try coder.decode(body, name: name)
        case .base45: try BaseCoding.Base45().decode(body, name: name)
        case .emoji: try BaseCoding.Emoji().decode(body, name: name)
        }
    }

    private enum Coding {
        case bits(BaseCoding.BitGroups)
        case number(BaseCoding.BigNumber)
        case base45
        case emoji
    }

    private var coding: Coding { Self.codings[self] ?? .emoji }

    private static let byPrefix: [Character: Multibase] = Dictionary(
        uniqueKeysWithValues: allCases.map { ($0.prefix, $0) })

    private static let codings: [Multibase: Coding] = {
        typealias Bits = BaseCoding.BitGroups
        let rfc32 = "abcdefghijklmnopqrstuvwxyz234567"
        let hex32 = "0123456789abcdefghijklmnopqrstuv"
        let b64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
        let b58btc = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
        let b58flickr = "123456789abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ"
        return [
            .base2: .bits(Bits("01")),
            .base8: .bits(Bits("01234567")),
            .base10: .number(BaseCoding.BigNumber("0123456789")),
            .base16: .bits(Bits("0123456789abcdef", caseInsensitive: true)),
            .base16upper: .bits(Bits("0123456789ABCDEF", caseInsensitive: true)),
            .base32: .bits(Bits(rfc32, caseInsensitive: true)),
            .base32upper: .bits(Bits(rfc32.uppercased(), caseInsensitive: true)),
            .base32pad: .bits(Bits(rfc32, padding: true, caseInsensitive: true)),
            .base32padupper: .bits(Bits(rfc32.uppercased(), padding: true, caseInsensitive: true)),
            .base32hex: .bits(Bits(hex32, caseInsensitive: true)),
            .base32hexupper: .bits(Bits(hex32.uppercased(), caseInsensitive: true)),
            .base32hexpad: .bits(Bits(hex32, padding: true, caseInsensitive: true)),
            .base32hexpadupper: .bits(Bits(hex32.uppercased(), padding: true, caseInsensitive: true)),
            .base32z: .bits(Bits("ybndrfg8ejkmcpqxot1uwisza345h769")),
            .base36: .number(BaseCoding.BigNumber("0123456789abcdefghijklmnopqrstuvwxyz", caseInsensitive: true)),
            .base36upper: .number(BaseCoding.BigNumber("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", caseInsensitive: true)),
            .base45: .base45,
            .base58btc: .number(BaseCoding.BigNumber(b58btc)),
            .base58flickr: .number(BaseCoding.BigNumber(b58flickr)),
            .base64: .bits(Bits(b64 + "+/")),
            .base64pad: .bits(Bits(b64 + "+/", padding: true)),
            .base64url: .bits(Bits(b64 + "-_")),
            .base64urlpad: .bits(Bits(b64 + "-_", padding: true)),
            .base256emoji: .emoji,
        ]
    }()
}
