import Hashing
import LightClient
import System
import TestSupport
import Testing

@Suite struct KeyTests {
    static func key(_ hex: String) throws -> PrivateKey {
        try PrivateKey(bytes: try #require(Hex.decode(hex)))
    }

    @Test(arguments: [
        (
            "0000000000000000000000000000000000000000000000000000000000000001",
            "0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf"
        ),
        (
            "0000000000000000000000000000000000000000000000000000000000000002",
            "0x2B5AD5c4795c026514f8317c7a215E218DcCD6cF"
        ),
        (
            "4646464646464646464646464646464646464646464646464646464646464646",
            "0x9d8A62f656a8d1615C1294fd71e9CFb3E4855A4F"
        ),
    ])
    func addressOfKnownKeys(secret: String, address: String) throws {
        #expect(try Self.key(secret).address.checksummed == address)
    }

    @Test(arguments: [
        "0000000000000000000000000000000000000000000000000000000000000000",
        "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141",
        "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364142",
        "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
    ])
    func rejectsOutOfRangeSecrets(secret: String) throws {
        #expect(throws: KeyError.outOfRange) { try Self.key(secret) }
    }

    @Test func rejectsWrongSecretLength() {
        #expect(throws: KeyError.invalidLength(expected: 32, found: 31)) {
            try PrivateKey(bytes: [UInt8](repeating: 1, count: 31))
        }
    }

    @Test func largestValidSecretIsAccepted() throws {
        _ = try Self.key("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364140")
    }

    @Test func generatedKeysDifferAndSign() throws {
        let first = PrivateKey.generate()
        let second = PrivateKey.generate()
        #expect(first != second)
        let digest = Keccak256.hash(Array("edge".utf8))
        let signature = try first.sign(digest: digest)
        #expect(try signature.recoverAddress(digest: digest) == first.address)
    }

    /// The key's hex must not appear in any way Swift prints a value, alone or inside another value.
    @Test func descriptionsAreRedacted() throws {
        struct Holder { let key: PrivateKey }
        let key = try Self.key("4646464646464646464646464646464646464646464646464646464646464646")
        let secret = Hex.encode(key.secretBytes, prefixed: false)
        var dumped = ""
        dump(Holder(key: key), to: &dumped)
        let spellings = [
            key.description, key.debugDescription, "\(key)", String(reflecting: key), String(describing: key),
            "\(Holder(key: key))", String(reflecting: Holder(key: key)), "\([key])", dumped,
        ]
        for spelling in spellings {
            #expect(!spelling.lowercased().contains(secret))
            #expect(!spelling.contains("70, 70"))  // the bytes as a decimal array
        }
        #expect(key.description == "PrivateKey(redacted)")
    }

    @Test func publicKeyParsing() throws {
        let key = try Self.key("0000000000000000000000000000000000000000000000000000000000000001")
        let publicKey = key.publicKey
        #expect(
            Hex.encode(publicKey.bytes.prefix(32), prefixed: false)
                == "79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798")
        #expect(try PublicKey(bytes: publicKey.bytes) == publicKey)
        #expect(try PublicKey(bytes: publicKey.uncompressed) == publicKey)
        var offCurve = publicKey.bytes
        offCurve[63] ^= 1
        #expect(throws: KeyError.notOnCurve) { try PublicKey(bytes: offCurve) }
        #expect(throws: KeyError.invalidLength(expected: 64, found: 10)) {
            try PublicKey(bytes: [UInt8](repeating: 4, count: 10))
        }
    }
}
