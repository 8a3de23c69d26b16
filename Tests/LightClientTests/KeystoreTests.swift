import Foundation
import Hashing
import JSON
import LightClient
import System
import TestSupport
import Testing

/// The keystore vectors in `ethereum/keystore/basic_tests.json` (pbkdf2 and scrypt, an IV of all ones), round
/// trips, and hostile or broken files.
@Suite struct KeystoreTests {
    static func vectors() throws -> JSONObject {
        try #require(try JSONValue.parse(try TestData.text("ethereum/keystore/basic_tests.json")).objectValue)
    }

    @Test(arguments: ["test1", "test2", "python_generated_test_with_odd_iv", "evilnonce", "mycrypto"])
    func vector(name: String) throws {
        let vector = try #require(try Self.vectors()[name])
        let password = try #require(vector["password"]?.stringValue)
        let key = try Keystore.decrypt(try #require(vector["json"]), password: password)
        #expect(Hex.encode(key.secretBytes, prefixed: false) == vector["priv"]?.stringValue)
        #expect(throws: KeystoreError.wrongPassword) {
            try Keystore.decrypt(try #require(vector["json"]), password: password + "x")
        }
    }

    static let key = try! PrivateKey(bytes: [UInt8](repeating: 0x2a, count: 32))

    @Test(arguments: [KeystoreKDF.scrypt(n: 1024, r: 8, p: 1), .pbkdf2(iterations: 1000)])
    func roundTrip(kdf: KeystoreKDF) throws {
        let text = try Keystore.encrypt(Self.key, password: "pässword", kdf: kdf)
        let json = try JSONValue.parse(text)
        #expect(json["version"] == 3)
        #expect(json["address"]?.stringValue == Hex.encode(Self.key.address.bytes, prefixed: false))
        #expect(json["id"]?.stringValue?.count == 36)
        #expect(!text.contains(Hex.encode(Self.key.secretBytes, prefixed: false)))
        #expect(try Keystore.decrypt(Array(text.utf8), password: "pässword") == Self.key)
        #expect(throws: KeystoreError.wrongPassword) { try Keystore.decrypt(Array(text.utf8), password: "password") }
    }

    /// Writing refuses what reading would refuse, instead of trapping or producing a file no one can open.
    @Test func encryptRespectsLimits() {
        #expect(throws: KeystoreError.parameterOutOfBounds(name: "kdfparams.n", limit: 1 << 32, found: 1 << 40)) {
            try Keystore.encrypt(Self.key, password: "p", kdf: .scrypt(n: 1 << 40, r: 1, p: 1))
        }
        #expect(throws: KeystoreError.malformed(field: "kdfparams.c")) {
            try Keystore.encrypt(Self.key, password: "p", kdf: .pbkdf2(iterations: 0))
        }
    }

    @Test func freshSaltIVAndIDEachTime() throws {
        let kdf = KeystoreKDF.pbkdf2(iterations: 1)
        let first = try JSONValue.parse(try Keystore.encrypt(Self.key, password: "p", kdf: kdf))
        let second = try JSONValue.parse(try Keystore.encrypt(Self.key, password: "p", kdf: kdf))
        #expect(first["id"] != second["id"])
        #expect(first["crypto"]?["cipherparams"] != second["crypto"]?["cipherparams"])
        #expect(first["crypto"]?["kdfparams"]?["salt"] != second["crypto"]?["kdfparams"]?["salt"])
    }

    /// A small valid keystore with one member replaced.
    static func altered(_ edit: (inout JSONObject, inout JSONObject, inout JSONObject) -> Void) throws -> JSONValue {
        var file = try #require(
            try JSONValue.parse(try Keystore.encrypt(key, password: "p", kdf: .scrypt(n: 16, r: 1, p: 1))).objectValue)
        var crypto = try #require(file["crypto"]?.objectValue)
        var params = try #require(crypto["kdfparams"]?.objectValue)
        edit(&file, &crypto, &params)
        crypto["kdfparams"] = .object(params)
        file["crypto"] = .object(crypto)
        return .object(file)
    }

    static func decrypt(_ file: JSONValue) throws(KeystoreError) {
        _ = try Keystore.decrypt(file, password: "p")
    }

    @Test func hostileCostParametersAreRefusedBeforeAnyWork() throws {
        #expect(throws: KeystoreError.parameterOutOfBounds(name: "kdfparams.n", limit: 1 << 32, found: 1 << 40)) {
            try Self.decrypt(try Self.altered { _, _, params in params["n"] = .int(1 << 40) })
        }
        #expect(
            throws: KeystoreError.parameterOutOfBounds(
                name: "scrypt memory (128·n·r)", limit: 256 << 20, found: 1 << 31)
        ) {
            try Self.decrypt(try Self.altered { _, _, params in params["n"] = .int(1 << 24) })
        }
        #expect(throws: KeystoreError.parameterOutOfBounds(name: "scrypt work (n·r·p)", limit: 1 << 22, found: 1 << 26))
        {
            try Self.decrypt(
                try Self.altered { _, _, params in
                    params["p"] = .int(1 << 10); params["n"] = .int(1 << 16)
                })
        }
        #expect(throws: KeystoreError.parameterOutOfBounds(name: "kdfparams.c", limit: 1 << 22, found: 1 << 30)) {
            try Self.decrypt(
                try Self.altered { _, crypto, params in
                    crypto["kdf"] = "pbkdf2"
                    params = ["c": .int(1 << 30), "prf": "hmac-sha256", "dklen": 32, "salt": "00"]
                })
        }
        #expect(throws: KeystoreError.malformed(field: "kdfparams.n")) {
            try Self.decrypt(try Self.altered { _, _, params in params["n"] = 1000 })
        }
        #expect(throws: KeystoreError.malformed(field: "kdfparams.dklen")) {
            try Self.decrypt(try Self.altered { _, _, params in params["dklen"] = .int(1 << 40) })
        }
    }

    @Test func malformedFilesAreTypedErrors() throws {
        #expect(throws: KeystoreError.unsupportedVersion(found: 2)) {
            try Self.decrypt(try Self.altered { file, _, _ in file["version"] = 2 })
        }
        #expect(throws: KeystoreError.unsupportedCipher("aes-256-gcm")) {
            try Self.decrypt(try Self.altered { _, crypto, _ in crypto["cipher"] = "aes-256-gcm" })
        }
        #expect(throws: KeystoreError.unsupportedKDF("argon2")) {
            try Self.decrypt(try Self.altered { _, crypto, _ in crypto["kdf"] = "argon2" })
        }
        #expect(throws: KeystoreError.malformed(field: "crypto.mac")) {
            try Self.decrypt(try Self.altered { _, crypto, _ in crypto["mac"] = "abcd" })
        }
        #expect(throws: KeystoreError.malformed(field: "crypto.ciphertext")) {
            try Self.decrypt(try Self.altered { _, crypto, _ in crypto["ciphertext"] = "zz" })
        }
        #expect(throws: KeystoreError.malformed(field: "crypto")) {
            try Self.decrypt(.object(["version": 3, "crypto": "none"]))
        }
        let other = Address(bytes: [UInt8](repeating: 1, count: 20))!
        #expect(throws: KeystoreError.addressMismatch(expected: other, found: Self.key.address)) {
            try Self.decrypt(
                try Self.altered { file, _, _ in file["address"] = .string(Hex.encode(other.bytes, prefixed: false)) })
        }
        #expect(throws: KeystoreError.json(.unexpectedEnd)) { try Keystore.decrypt([], password: "p") }
        #expect(throws: KeystoreError.tooLarge(limit: 64 << 10, found: 1 << 20)) {
            try Keystore.decrypt([UInt8](repeating: 0x20, count: 1 << 20), password: "p")
        }
    }

    /// A MAC that matches but a ciphertext that decrypts to zero: not a key, a typed error.
    @Test func decryptedZeroIsNotAKey() throws {
        #expect(throws: KeystoreError.invalidKey(.outOfRange)) {
            try Self.decrypt(
                try Self.altered { _, crypto, params in
                    // Recompute the ciphertext and MAC of the zero key under the same derived key.
                    let salt = Hex.decode(params["salt"]!.stringValue!)!
                    let iv = Hex.decode(crypto["cipherparams"]!["iv"]!.stringValue!)!
                    let derived = try! KeyDerivation.scrypt(
                        password: Array("p".utf8), salt: salt, n: 16, r: 1, p: 1, length: 32)
                    let zeroCipher = AES128CTR.apply(
                        key: Array(derived[0..<16]), iv: iv, to: [UInt8](repeating: 0, count: 32))
                    crypto["ciphertext"] = .string(Hex.encode(zeroCipher, prefixed: false))
                    crypto["mac"] = .string(Hex.encode(Keccak256.hash(derived[16..<32] + zeroCipher), prefixed: false))
                })
        }
    }
}

@Suite struct KeystoreWriteTests {
    @Test func writesOwnerOnlyAndNeverReplaces() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("keystore-\(UUID().uuidString).json")
            .path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let key = try PrivateKey(bytes: [UInt8](repeating: 9, count: 32))
        let text = try Keystore.encrypt(key, password: "p", kdf: .pbkdf2(iterations: 10))
        try Keystore.write(text, toNewFileAt: path)
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == text)
        #expect(throws: KeystoreWriteError.system(operation: "open", errno: EEXIST)) {
            try Keystore.write("other", toNewFileAt: path)
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == text)
        #expect(
            try Keystore.decrypt(Array(try String(contentsOfFile: path, encoding: .utf8).utf8), password: "p") == key)
    }
}
