import Hashing
public import JSON
import System

/// Web3 Secret Storage (keystore V3) files: a secret key encrypted with AES-128-CTR under a key derived from a
/// password by scrypt or PBKDF2, authenticated by keccak256(derivedKey[16..<32] ‖ ciphertext).
public enum Keystore {
    /// Decrypts a keystore file's bytes with `password` (its UTF-8 bytes, as eth-account uses them).
    public static func decrypt(
        _ file: [UInt8], password: String, limits: KeystoreLimits = .init()
    ) throws(KeystoreError) -> PrivateKey {
        guard file.count <= limits.maxFileSize else { throw .tooLarge(limit: limits.maxFileSize, found: file.count) }
        let json: JSONValue
        do throws(JSONError) { json = try JSONValue.parse(file) } catch { throw .json(error) }
        return try decrypt(json, password: password, limits: limits)
    }

    /// Decrypts a parsed keystore with `password`.
    public static func decrypt(
        _ json: JSONValue, password: String, limits: KeystoreLimits = .init()
    ) throws(KeystoreError) -> PrivateKey {
        let file = try KeystoreFile(json)
        try limits.check(file.kdf)
        let derived = try derive(Array(password.utf8), kdf: file.kdf, salt: file.salt, length: file.derivedKeyLength)
        let mac = Keccak256.hash(derived[16..<32] + file.ciphertext)
        guard constantTimeEquals(mac, file.mac) else { throw .wrongPassword }
        let secret = AES128CTR.apply(key: Array(derived[0..<16]), iv: file.iv, to: file.ciphertext)
        let key: PrivateKey
        do throws(KeyError) { key = try PrivateKey(bytes: secret) } catch { throw .invalidKey(error) }
        if let address = file.address, address != key.address {
            throw .addressMismatch(expected: address, found: key.address)
        }
        return key
    }

    /// The keystore JSON text for `key` under `password`, with a fresh salt, IV and UUID. Write it to a file only
    /// the owner can read (mode 0600). Throws `parameterOutOfBounds` for a KDF beyond `limits`, since such a file
    /// could not be opened again under the same limits.
    public static func encrypt(
        _ key: PrivateKey, password: String, kdf: KeystoreKDF = .standard, limits: KeystoreLimits = .init()
    ) throws(KeystoreError) -> String {
        try limits.check(kdf)
        return try encrypt(
            key, password: password, kdf: kdf, salt: SystemRandom.bytes(32), iv: SystemRandom.bytes(16),
            uuid: SystemRandom.bytes(16)
        ).serialized()
    }

    /// The keystore for `key` with the given random parts; `kdf` already checked against limits.
    static func encrypt(
        _ key: PrivateKey, password: String, kdf: KeystoreKDF, salt: [UInt8], iv: [UInt8], uuid: [UInt8]
    ) throws(KeystoreError) -> JSONValue {
        let derived = try derive(Array(password.utf8), kdf: kdf, salt: salt, length: 32)
        let ciphertext = AES128CTR.apply(key: Array(derived[0..<16]), iv: iv, to: key.secretBytes)
        let mac = Keccak256.hash(derived[16..<32] + ciphertext)
        var kdfParams: JSONObject = ["dklen": 32]
        let kdfName: String
        switch kdf {
        case .scrypt(let n, let r, let p):
            kdfName = "scrypt"
            (kdfParams["n"], kdfParams["r"], kdfParams["p"]) = (.int(Int64(n)), .int(Int64(r)), .int(Int64(p)))
        case .pbkdf2(let iterations):
            kdfName = "pbkdf2"
            (kdfParams["c"], kdfParams["prf"]) = (.int(Int64(iterations)), "hmac-sha256")
        }
        kdfParams["salt"] = .string(Hex.encode(salt, prefixed: false))
        let crypto: JSONObject = [
            "cipher": "aes-128-ctr", "cipherparams": ["iv": .string(Hex.encode(iv, prefixed: false))],
            "ciphertext": .string(Hex.encode(ciphertext, prefixed: false)), "kdf": .string(kdfName),
            "kdfparams": .object(kdfParams), "mac": .string(Hex.encode(mac, prefixed: false)),
        ]
        return [
            "address": .string(Hex.encode(key.address.bytes, prefixed: false)), "crypto": .object(crypto),
            "id": .string(uuidV4(uuid)), "version": 3,
        ]
    }

    /// Runs the KDF; parameters must already be within limits.
    static func derive(
        _ password: [UInt8], kdf: KeystoreKDF, salt: [UInt8], length: Int
    ) throws(KeystoreError) -> [UInt8] {
        do throws(KeyDerivationError) {
            switch kdf {
            case .scrypt(let n, let r, let p):
                // libcrypto counts 128·r·(n + 2) bytes for V plus 128·r·p for B; allow exactly that and a little.
                let memory = 128 * r * (n + 2) + 128 * r * p + 4096
                return try KeyDerivation.scrypt(
                    password: password, salt: salt, n: n, r: r, p: p, length: length, maxMemory: memory)
            case .pbkdf2(let iterations):
                return try KeyDerivation.pbkdf2SHA256(
                    password: password, salt: salt, iterations: iterations, length: length)
            }
        } catch {
            throw .keyDerivationFailed
        }
    }

    /// RFC 9562 version 4 spelling of 16 random bytes.
    static func uuidV4(_ random: [UInt8]) -> String {
        var bytes = random
        bytes[6] = bytes[6] & 0x0F | 0x40
        bytes[8] = bytes[8] & 0x3F | 0x80
        let hex = Hex.encode(bytes, prefixed: false)
        let parts = [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { range in
            hex.dropFirst(range.lowerBound).prefix(range.count)
        }
        return parts.joined(separator: "-")
    }
}

extension Keystore {
    /// The address a keystore file claims (its optional `address` field), read without the password. It is not
    /// proven until the file is decrypted; nil when the file has none.
    public static func claimedAddress(
        _ file: [UInt8], limits: KeystoreLimits = .init()
    ) throws(KeystoreError) -> Address? {
        guard file.count <= limits.maxFileSize else { throw .tooLarge(limit: limits.maxFileSize, found: file.count) }
        let json: JSONValue
        do throws(JSONError) { json = try JSONValue.parse(file) } catch { throw .json(error) }
        return try KeystoreFile(json).address
    }
}
