import LightClient
import Testing

/// EIP-55's own examples: all caps, all lower, and normal mixed-case checksums.
@Suite struct AddressTests {
    static let eip55Examples = [
        "0x52908400098527886E0F7030069857D2E4169EE7",
        "0x8617E340B3D01FA5F11F306F4090FD50E238070D",
        "0xde709f2102306220921060314715629080e2fb77",
        "0x27b1fdb04752bbc536007a920d24acb045561c26",
        "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
        "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
        "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
        "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
    ]

    @Test(arguments: eip55Examples)
    func checksumMatchesSpec(_ text: String) throws {
        let address = try Address(parsing: text)
        #expect(address.checksummed == text)
        #expect(try Address(parsing: text.lowercased()) == address)
        #expect(try Address(parsing: "0x" + text.dropFirst(2).uppercased()) == address)
        #expect(try Address(parsing: text.dropFirst(2)) == address)
    }

    @Test func wrongChecksumIsRejected() {
        // Flip the case of one letter of a valid mixed-case checksum.
        let bad = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD"
        #expect(throws: AddressError.badChecksum(expected: "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", found: bad)) {
            try Address(parsing: bad)
        }
    }

    @Test func malformed() {
        #expect(throws: AddressError.invalidLength(found: 38)) {
            try Address(parsing: "0x" + String(repeating: "a", count: 38))
        }
        #expect(throws: AddressError.invalidCharacter(offset: 3)) {
            try Address(parsing: "abcg" + String(repeating: "0", count: 36))
        }
        #expect(Address(bytes: [UInt8](repeating: 0, count: 19)) == nil)
        #expect(Address.zero.checksummed == "0x" + String(repeating: "0", count: 40))
    }
}
