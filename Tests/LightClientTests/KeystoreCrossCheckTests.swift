import LightClient
import TestSupport
import Testing

/// Keystores written by eth-account open in ours, and ours in eth-account: pbkdf2, scrypt within RFC 7914's bound
/// (libcrypto) and beyond it (n = 2^17 with r = 1, as eth-account writes them; our Swift core).
@Suite struct KeystoreCrossCheckTests {
    typealias Random = AccountCrossCheckTests

    static let settings: [(kdf: String, iterations: Int, ours: KeystoreKDF)] = [
        ("pbkdf2", 1000, .pbkdf2(iterations: 1000)),
        ("scrypt", 1 << 14, .scrypt(n: 1 << 14, r: 1, p: 8)),
        ("scrypt", 1 << 17, .scrypt(n: 1 << 17, r: 1, p: 8)),
    ]

    @Test func keystoresBothWays() async throws {
        var generator = SplitMix64(seed: 54)
        let keys = Self.settings.map { _ in Random.key(&generator) }
        let passwords = Self.settings.indices.map { "pw \($0) ✓ \(generator.next())" }
        let ours = try Self.settings.indices.map {
            try Keystore.encrypt(keys[$0], password: passwords[$0], kdf: Self.settings[$0].ours)
        }
        let answer = try await AccountsPython.ask([
            "encrypt": Self.settings.indices.map {
                [
                    "key": Random.hex(keys[$0].secretBytes), "password": passwords[$0], "kdf": Self.settings[$0].kdf,
                    "iterations": Self.settings[$0].iterations,
                ] as [String: Any]
            },
            "decrypt": Self.settings.indices.map { ["keystore": ours[$0], "password": passwords[$0]] },
        ])
        let written = try #require(answer["encrypt"] as? [String])
        let opened = try #require(answer["decrypt"] as? [String])
        for index in Self.settings.indices {
            #expect(opened[index] == Random.hex(keys[index].secretBytes))
            #expect(try Keystore.decrypt(Array(written[index].utf8), password: passwords[index]) == keys[index])
            #expect(throws: KeystoreError.wrongPassword) {
                try Keystore.decrypt(Array(written[index].utf8), password: passwords[index] + "!")
            }
        }
    }
}
