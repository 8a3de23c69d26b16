import System
import Testing

@testable import Hashing

/// RFC 7914 (scrypt, and PBKDF2-HMAC-SHA256 in its §11) and NIST SP 800-38A F.5.1 (AES-128-CTR) vectors.
@Suite struct KeyDerivationTests {
    static func bytes(_ hex: String) -> [UInt8] { Hex.decode(hex, prefix: .forbidden)! }

    @Test func scryptRFC7914() throws {
        #expect(
            try KeyDerivation.scrypt(password: [], salt: [], n: 16, r: 1, p: 1, length: 64).hexString
                == "77d6576238657b203b19ca42c18a0497f16b4844e3074ae8dfdffa3fede21442"
                + "fcd0069ded0948f8326a753a0fc81f17e8d3e0fb2e0d3628cf35e20c38d18906")
        #expect(
            try KeyDerivation.scrypt(
                password: Array("password".utf8), salt: Array("NaCl".utf8), n: 1024, r: 8, p: 16, length: 64
            ).hexString
                == "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b373162"
                + "2eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640")
    }

    @Test func scryptRejectsBadParameters() {
        #expect(throws: KeyDerivationError.invalidParameters) {
            try KeyDerivation.scrypt(password: [], salt: [], n: 1000, r: 1, p: 1, length: 32)
        }
        #expect(throws: KeyDerivationError.invalidParameters) {
            try KeyDerivation.scrypt(password: [], salt: [], n: 16, r: 0, p: 1, length: 32)
        }
        // 128 · r · n = 128 MiB is more than the 1 MiB allowed.
        #expect(throws: KeyDerivationError.rejected) {
            try KeyDerivation.scrypt(password: [], salt: [], n: 1 << 17, r: 8, p: 1, length: 32, maxMemory: 1 << 20)
        }
    }

    @Test func pbkdf2SHA256RFC7914() throws {
        #expect(
            try KeyDerivation.pbkdf2SHA256(
                password: Array("passwd".utf8), salt: Array("salt".utf8), iterations: 1, length: 64
            ).hexString
                == "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc"
                + "49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783")
        #expect(
            try KeyDerivation.pbkdf2SHA256(
                password: Array("Password".utf8), salt: Array("NaCl".utf8), iterations: 80000, length: 64
            ).hexString
                == "4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b34ab56"
                + "a1d425a1225833549adb841b51c9b3176a272bdebba1d078478f62b397f33c8d")
        #expect(throws: KeyDerivationError.invalidParameters) {
            try KeyDerivation.pbkdf2SHA256(password: [], salt: [], iterations: 0, length: 32)
        }
    }

    @Test func aes128CTRSP80038A() {
        let key = Self.bytes("2b7e151628aed2a6abf7158809cf4f3c")
        let counter = Self.bytes("f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff")
        let plain = Self.bytes("6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51")
        let cipher = AES128CTR.apply(key: key, iv: counter, to: plain)
        #expect(cipher.hexString == "874d6191b620e3261bef6864990db6ce9806f66b7970fdff8617187bb9fffdff")
        #expect(AES128CTR.apply(key: key, iv: counter, to: cipher) == plain)
        #expect(AES128CTR.apply(key: key, iv: counter, to: []) == [])
    }

    /// The counter is a 128-bit number: all-ones wraps to zero (keystores with such an IV exist).
    @Test func aes128CTRCounterWraps() {
        let key = Self.bytes("2b7e151628aed2a6abf7158809cf4f3c")
        let stream = AES128CTR.apply(
            key: key, iv: [UInt8](repeating: 0xFF, count: 16), to: [UInt8](repeating: 0, count: 32))
        let second = AES128CTR.apply(
            key: key, iv: [UInt8](repeating: 0, count: 16), to: [UInt8](repeating: 0, count: 16))
        #expect(Array(stream.suffix(16)) == second)
    }
}

/// The Swift ROMix path (taken when n ≥ 2^(16·r), which libcrypto refuses) against libcrypto's on parameters both
/// accept, and on the RFC 7914 vectors.
@Suite struct ScryptCoreTests {
    @Test(arguments: [(16 as UInt64, 1 as UInt64, 1 as UInt64), (1024, 8, 16), (256, 2, 3), (2048, 1, 2)])
    func swiftCoreMatchesLibCrypto(n: UInt64, r: UInt64, p: UInt64) throws {
        let password = Array("password".utf8)
        let salt = Array("NaCl".utf8)
        let ours = try Scrypt.derive(password: password, salt: salt, n: Int(n), r: Int(r), p: Int(p), length: 64)
        let theirs = try KeyDerivation.scrypt(password: password, salt: salt, n: n, r: r, p: p, length: 64)
        #expect(ours == theirs)
    }

    /// n = 2^16 with r = 1 is outside RFC 7914's bound: derived in Swift, still deterministic and sized.
    @Test func beyondTheRFCBound() throws {
        let first = try KeyDerivation.scrypt(password: [1], salt: [2], n: 1 << 16, r: 1, p: 1, length: 32)
        #expect(first.count == 32)
        #expect(try KeyDerivation.scrypt(password: [1], salt: [2], n: 1 << 16, r: 1, p: 1, length: 32) == first)
    }
}
