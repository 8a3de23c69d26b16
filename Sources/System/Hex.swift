/// Hexadecimal text for byte strings: bare (hashes, keys, CIDs' test vectors) or `0x`-prefixed as Ethereum's
/// JSON-RPC spells them.
public enum Hex {
    /// Whether decoding accepts a `0x` (or `0X`) prefix.
    public enum Prefix: Sendable {
        /// With or without: Ethereum quantities and data.
        case optional
        /// Bare hex only: a stored hash, where a prefix would be a sign of corruption.
        case forbidden
    }

    /// The lowercase hex spelling of `bytes`, with a `0x` prefix when `prefixed`.
    public static func encode(_ bytes: some Sequence<UInt8>, prefixed: Bool = true) -> String {
        var ascii: [UInt8] = prefixed ? [UInt8(ascii: "0"), UInt8(ascii: "x")] : []
        ascii.reserveCapacity(ascii.count + bytes.underestimatedCount * 2)
        for byte in bytes {
            ascii.append(digits[Int(byte >> 4)])
            ascii.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: ascii, as: UTF8.self)
    }

    /// Decodes hex text (either case); `nil` for an odd length, a non-hex character or a prefix `prefix` forbids.
    public static func decode(_ text: some StringProtocol, prefix: Prefix = .optional) -> [UInt8]? {
        var utf8 = Substring(text).utf8[...]
        if prefix == .optional, utf8.starts(with: "0x".utf8) || utf8.starts(with: "0X".utf8) {
            utf8 = utf8.dropFirst(2)
        }
        guard utf8.count % 2 == 0 else { return nil }
        var result: [UInt8] = []
        result.reserveCapacity(utf8.count / 2)
        var iterator = utf8.makeIterator()
        while let high = iterator.next(), let low = iterator.next() {
            guard let highNibble = nibble(high), let lowNibble = nibble(low) else { return nil }
            result.append(highNibble << 4 | lowNibble)
        }
        return result
    }

    /// The value of one hex digit, either case.
    public static func nibble(_ character: UInt8) -> UInt8? {
        switch character {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): character - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): character - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): character - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// The lowercase hex digits, by value.
    private static let digits: [UInt8] = Array("0123456789abcdef".utf8)
}

extension Sequence<UInt8> {
    /// The lowercase hex spelling of these bytes, without a prefix.
    public var hexString: String { Hex.encode(self, prefixed: false) }
}
