import Hashing
import System

/// A 20-byte Ethereum account address, printed with the EIP-55 mixed-case checksum.
public struct Address: Hashable, Sendable {
    /// The 20 address bytes.
    public let bytes: [UInt8]

    /// Length in bytes of an address.
    public static let length = 20

    /// The address with these 20 bytes; `nil` for any other count.
    public init?(bytes: some Collection<UInt8>) {
        guard bytes.count == Self.length else { return nil }
        self.bytes = Array(bytes)
    }

    /// The zero address.
    public static let zero = Address(bytes: [UInt8](repeating: 0, count: length))!

    /// Parses 40 hex digits with an optional `0x` prefix. All-lowercase and all-uppercase spellings carry no
    /// checksum and are accepted; a mixed-case spelling must match its EIP-55 checksum.
    public init(parsing text: some StringProtocol) throws(AddressError) {
        var digits = Substring(text)
        if digits.hasPrefix("0x") || digits.hasPrefix("0X") { digits = digits.dropFirst(2) }
        guard digits.utf8.count == 2 * Self.length else { throw .invalidLength(found: digits.utf8.count) }
        for (index, character) in digits.utf8.enumerated() where Hex.nibble(character) == nil {
            throw .invalidCharacter(offset: index)
        }
        self.bytes = Hex.decode(digits)!  // 40 hex digits checked above
        let hasLower = digits.utf8.contains { (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0) }
        let hasUpper = digits.utf8.contains { (UInt8(ascii: "A")...UInt8(ascii: "F")).contains($0) }
        if hasLower && hasUpper {
            let expected = checksummed
            guard expected.dropFirst(2) == digits else { throw .badChecksum(expected: expected, found: String(text)) }
        }
    }

    /// The EIP-55 spelling: `0x` and hex digits, a letter uppercased where the keccak of the lowercase hex has a
    /// nibble of 8 or more at the same position.
    public var checksummed: String {
        let lower = Array(Hex.encode(bytes, prefixed: false).utf8)
        let hash = Keccak256.hash(lower)
        var output = Array("0x".utf8)
        for (index, character) in lower.enumerated() {
            let nibble = index % 2 == 0 ? hash[index / 2] >> 4 : hash[index / 2] & 0x0F
            let isLetter = character >= UInt8(ascii: "a")
            output.append(isLetter && nibble >= 8 ? character - 0x20 : character)
        }
        return String(decoding: output, as: UTF8.self)
    }
}

extension Address: CustomStringConvertible {
    /// The checksummed spelling.
    public var description: String { checksummed }
}

/// Why text is not an address.
public enum AddressError: Error, Equatable, Sendable {
    /// Not 40 hex digits after the optional `0x`.
    case invalidLength(found: Int)
    /// A character that is not a hex digit, at this position after the prefix.
    case invalidCharacter(offset: Int)
    /// Mixed case that is not the EIP-55 checksum of the address.
    case badChecksum(expected: String, found: String)
}
