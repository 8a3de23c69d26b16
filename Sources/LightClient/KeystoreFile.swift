import JSON
import System

/// The fields of a V3 keystore, read and shape-checked (not yet decrypted).
struct KeystoreFile {
    var kdf: KeystoreKDF
    var salt: [UInt8]
    var derivedKeyLength: Int
    var iv: [UInt8]
    var ciphertext: [UInt8]
    var mac: [UInt8]
    var address: Address?

    init(_ json: JSONValue) throws(KeystoreError) {
        guard let version = json["version"]?.intValue else { throw .malformed(field: "version") }
        guard version == 3 else { throw .unsupportedVersion(found: version) }
        guard let crypto = json["crypto"] ?? json["Crypto"], crypto.objectValue != nil else {
            throw .malformed(field: "crypto")
        }
        let cipher = try Self.string(crypto["cipher"], "crypto.cipher")
        guard cipher == "aes-128-ctr" else { throw .unsupportedCipher(cipher) }
        iv = try Self.counterBlock(crypto["cipherparams"]?["iv"])
        ciphertext = try Self.hex(crypto["ciphertext"], "crypto.ciphertext")
        guard ciphertext.count == 32 else { throw .malformed(field: "crypto.ciphertext") }
        mac = try Self.hex(crypto["mac"], "crypto.mac")
        guard mac.count == 32 else { throw .malformed(field: "crypto.mac") }
        guard let params = crypto["kdfparams"], params.objectValue != nil else {
            throw .malformed(field: "crypto.kdfparams")
        }
        (kdf, salt, derivedKeyLength) = try Self.kdf(try Self.string(crypto["kdf"], "crypto.kdf"), params)
        if let text = json["address"]?.stringValue {
            guard let parsed = try? Address(parsing: text) else { throw .malformed(field: "address") }
            address = parsed
        }
    }

    private static func kdf(
        _ name: String, _ params: JSONValue
    ) throws(KeystoreError) -> (KeystoreKDF, [UInt8], Int) {
        let salt = try hex(params["salt"], "kdfparams.salt")
        guard salt.count <= KeystoreLimits.maxSaltLength else { throw .malformed(field: "kdfparams.salt") }
        let length = try integer(params["dklen"], "kdfparams.dklen")
        guard KeystoreLimits.derivedKeyLengths.contains(Int(clamping: length)) else {
            throw .malformed(field: "kdfparams.dklen")
        }
        switch name {
        case "scrypt":
            let n = try integer(params["n"], "kdfparams.n")
            let r = try integer(params["r"], "kdfparams.r")
            let p = try integer(params["p"], "kdfparams.p")
            return (.scrypt(n: n, r: r, p: p), salt, Int(length))
        case "pbkdf2":
            guard params["prf"]?.stringValue == "hmac-sha256" else {
                throw .unsupportedKDF("pbkdf2 with \(params["prf"]?.stringValue ?? "no prf")")
            }
            let iterations = try integer(params["c"], "kdfparams.c")
            return (.pbkdf2(iterations: Int(clamping: iterations)), salt, Int(length))
        default:
            throw .unsupportedKDF(name)
        }
    }

    private static func string(_ value: JSONValue?, _ field: String) throws(KeystoreError) -> String {
        guard let text = value?.stringValue else { throw .malformed(field: field) }
        return text
    }

    private static func hex(_ value: JSONValue?, _ field: String) throws(KeystoreError) -> [UInt8] {
        guard let bytes = Hex.decode(try string(value, field)) else { throw .malformed(field: field) }
        return bytes
    }

    /// A non-negative JSON integer.
    private static func integer(_ value: JSONValue?, _ field: String) throws(KeystoreError) -> UInt64 {
        guard let number = value?.intValue, number >= 0 else { throw .malformed(field: field) }
        return UInt64(number)
    }

    /// The 16-byte initial counter. Some writers drop leading zeros of the IV, so shorter (even odd-length) hex is
    /// read as the same 128-bit number.
    private static func counterBlock(_ value: JSONValue?) throws(KeystoreError) -> [UInt8] {
        var text = try string(value, "crypto.cipherparams.iv")
        if text.hasPrefix("0x") { text.removeFirst(2) }
        if text.utf8.count % 2 == 1 { text = "0" + text }
        guard let bytes = Hex.decode(text), !bytes.isEmpty, bytes.count <= 16 else {
            throw .malformed(field: "crypto.cipherparams.iv")
        }
        return [UInt8](repeating: 0, count: 16 - bytes.count) + bytes
    }
}
