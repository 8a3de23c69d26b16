import Gateway
import LightClient
import System

/// Runs the node-key commands on the keystore named by the configuration (`node.keystore`, by default
/// `node-key.json` in the state directory). Keys and passwords are never printed; exit codes 0, or 1 on failure.
struct NodeKeyRunner {
    let config: EdgeConfig
    let environment: [String: String]
    let output: CommandOutput
    let programName: String

    /// Largest keystore or key file read.
    static let maxFileBytes = 64 << 10

    func run(_ command: NodeKeyCommand) -> Int32 {
        do {
            switch command {
            case .create(let passwordFile): try create(passwordFile: passwordFile)
            case .importKey(let file, let passwordFile): try importKey(from: file, passwordFile: passwordFile)
            case .export(let path): try export(to: path)
            case .address(let passwordFile): try printAddress(passwordFile: passwordFile)
            }
            return 0
        } catch {
            output.standardError("\(programName): keys: \(error)\n")
            return 1
        }
    }

    private var keystorePath: String { config.nodeKeystorePath }

    private func create(passwordFile: String?) throws {
        try refuseExistingKeystore()
        let password = try passwords(passwordFile).newPassword()
        let key = PrivateKey.generate()
        try store(key, password: password)
        output.standardOutput("\(key.address.checksummed)\n")
        output.standardError(
            "created the node key in \(keystorePath); keep its password safe, it cannot be recovered\n")
    }

    private func importKey(from path: String, passwordFile: String?) throws {
        try refuseExistingKeystore()
        let bytes = try InputFile.readAll(path: path, limit: Self.maxFileBytes)
        let source = passwords(passwordFile)
        if let secret = Self.hexSecret(bytes) {
            let key: PrivateKey
            do throws(KeyError) { key = try PrivateKey(bytes: secret) } catch {
                throw NodeKeyCommandError.invalidKeyFile(path: path, reason: "not a valid secp256k1 private key")
            }
            try store(key, password: try source.newPassword())
            output.standardOutput("\(key.address.checksummed)\n")
        } else {
            let key = try decrypt(bytes, path: path, password: try source.password())
            try writeKeystore(String(decoding: bytes, as: UTF8.self))
            output.standardOutput("\(key.address.checksummed)\n")
        }
        output.standardError("imported the node key into \(keystorePath)\n")
    }

    private func export(to path: String?) throws {
        let bytes = try readKeystore()
        _ = try Keystore.claimedAddress(bytes)
        guard let path else {
            output.standardOutput(
                String(decoding: bytes, as: UTF8.self) + (bytes.last == UInt8(ascii: "\n") ? "" : "\n"))
            return
        }
        do throws(KeystoreWriteError) {
            try Keystore.write(String(decoding: bytes, as: UTF8.self), toNewFileAt: path)
        } catch {
            throw NodeKeyCommandError.cannotWrite(path: path, error)
        }
        output.standardError("wrote the node keystore (encrypted) to \(path)\n")
    }

    /// The address from the keystore's `address` field; a keystore without one is decrypted.
    private func printAddress(passwordFile: String?) throws {
        let bytes = try readKeystore()
        let claimed: Address?
        do throws(KeystoreError) { claimed = try Keystore.claimedAddress(bytes) } catch {
            throw NodeKeyCommandError.unreadableKeystore(path: keystorePath, error)
        }
        let address =
            try claimed ?? decrypt(bytes, path: keystorePath, password: try passwords(passwordFile).password()).address
        output.standardOutput("\(address.checksummed)\n")
    }

    /// The node key, decrypted with the password from `passwordFile`, `node.password_file`, the environment or a
    /// prompt.
    func unlock(passwordFile: String?) throws -> PrivateKey {
        let bytes = try readKeystore()
        return try decrypt(bytes, path: keystorePath, password: try passwords(passwordFile).password())
    }

    private func passwords(_ file: String?) -> PasswordSource {
        PasswordSource(
            file: file ?? config.node.passwordFile,
            environmentValue: environment[EdgeConfig.keyPasswordEnvironmentName])
    }

    private func refuseExistingKeystore() throws(NodeKeyCommandError) {
        if (try? InputFile(path: keystorePath)) != nil { throw .keystoreExists(path: keystorePath) }
    }

    private func readKeystore() throws -> [UInt8] {
        guard (try? InputFile(path: keystorePath)) != nil else {
            throw NodeKeyCommandError.noKeystore(path: keystorePath)
        }
        return try InputFile.readAll(path: keystorePath, limit: Self.maxFileBytes)
    }

    private func decrypt(_ bytes: [UInt8], path: String, password: String) throws(NodeKeyCommandError) -> PrivateKey {
        do throws(KeystoreError) { return try Keystore.decrypt(bytes, password: password) } catch {
            throw error == .wrongPassword ? .wrongPassword(path: path) : .unreadableKeystore(path: path, error)
        }
    }

    private func store(_ key: PrivateKey, password: String) throws {
        let text: String
        do throws(KeystoreError) { text = try Keystore.encrypt(key, password: password) } catch {
            throw NodeKeyCommandError.unreadableKeystore(path: keystorePath, error)
        }
        try writeKeystore(text)
    }

    private func writeKeystore(_ text: String) throws {
        if let slash = keystorePath.lastIndex(of: "/"), slash != keystorePath.startIndex {
            try createPrivateDirectory(atPath: String(keystorePath[..<slash]))
        }
        do throws(KeystoreWriteError) { try Keystore.write(text, toNewFileAt: keystorePath) } catch {
            throw NodeKeyCommandError.cannotWrite(path: keystorePath, error)
        }
    }

    /// The 32 bytes of a file holding one hex private key (optionally 0x-prefixed, surrounding white space
    /// allowed); nil for anything else.
    static func hexSecret(_ bytes: [UInt8]) -> [UInt8]? {
        let isSpace: (UInt8) -> Bool = { [0x20, 0x09, 0x0A, 0x0D].contains($0) }
        var text = bytes.drop(while: isSpace)
        while let last = text.last, isSpace(last) { text.removeLast() }
        if text.starts(with: "0x".utf8) || text.starts(with: "0X".utf8) { text.removeFirst(2) }
        guard text.count == 64 else { return nil }
        return Hex.decode(String(decoding: text, as: UTF8.self))
    }
}

/// Where the node keystore's password comes from: a file (first line), `CORTENSOR_EDGE_KEY_PASSWORD`, or a
/// prompt on the terminal, in that order.
struct PasswordSource {
    let file: String?
    let environmentValue: String?

    /// The password that opens an existing keystore.
    func password() throws -> String {
        if let password = try given() { return password }
        guard let typed = PasswordPrompt.read(prompt: "Node key password: ") else {
            throw NodeKeyCommandError.noPassword
        }
        return typed
    }

    /// A password for a new keystore: non-empty, typed twice when prompted.
    func newPassword() throws -> String {
        let password: String
        if let given = try given() {
            password = given
        } else {
            guard let first = PasswordPrompt.read(prompt: "New node key password: "),
                let second = PasswordPrompt.read(prompt: "Repeat the password: ")
            else { throw NodeKeyCommandError.noPassword }
            guard first == second else { throw NodeKeyCommandError.passwordsDiffer }
            password = first
        }
        guard !password.isEmpty else { throw NodeKeyCommandError.emptyPassword }
        return password
    }

    private func given() throws -> String? {
        if let file {
            return NodeKeyFile.password(fromFile: try InputFile.readAll(path: file, limit: 4096))
        }
        return environmentValue
    }
}

/// Why a node-key command failed; one line each, never holding a key or password.
enum NodeKeyCommandError: Error, CustomStringConvertible {
    case noPassword
    case passwordsDiffer
    case emptyPassword
    case keystoreExists(path: String)
    case noKeystore(path: String)
    case wrongPassword(path: String)
    case unreadableKeystore(path: String, KeystoreError)
    case invalidKeyFile(path: String, reason: String)
    case cannotWrite(path: String, KeystoreWriteError)

    var description: String {
        switch self {
        case .noPassword:
            "no password: give --password-file FILE, set node.password_file or \(EdgeConfig.keyPasswordEnvironmentName), "
                + "or run in a terminal"
        case .passwordsDiffer: "the two passwords differ"
        case .emptyPassword: "the password is empty"
        case .keystoreExists(let path):
            "\(path) already exists: this node has a key ('keys address' shows it); move the file away first"
        case .noKeystore(let path):
            "no node key at \(path): create one with 'keys new --node' or import one with 'keys import FILE'"
        case .wrongPassword(let path): "the password does not open \(path)"
        case .unreadableKeystore(let path, let error): "\(path): not a usable keystore (\(error))"
        case .invalidKeyFile(let path, let reason): "\(path): \(reason)"
        case .cannotWrite(let path, .system(let operation, let code)):
            "cannot write \(path): \(operation) failed (\(code == 17 ? "the file exists" : "errno \(code)"))"
        }
    }
}
