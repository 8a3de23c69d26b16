import Glibc
import LightClient
import System

/// Why the node key could not be unlocked at start; one line each, never holding the key or its password.
public enum NodeKeyError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Neither `node.password_file` nor the password variable is set.
    case noPassword
    /// A file could not be read (`errno`).
    case unreadable(path: String, errno: Int32)
    /// The file is larger than a keystore or password file can be.
    case tooLarge(path: String)
    /// The password does not open the keystore.
    case wrongPassword(path: String)
    /// The keystore is malformed or uses unsupported parameters.
    case unusable(path: String, reason: String)

    /// One line naming the file and the problem.
    public var description: String {
        switch self {
        case .noPassword:
            "node key: no password: set node.password_file or \(EdgeConfig.keyPasswordEnvironmentName)"
        case .unreadable(let path, let code) where code == ENOENT:
            "node key: \(path) does not exist (create one with 'keys new --node' or 'keys import FILE')"
        case .unreadable(let path, let code): "node key: cannot read \(path) (errno \(code))"
        case .tooLarge(let path): "node key: \(path) is too large"
        case .wrongPassword(let path): "node key: the password does not open \(path)"
        case .unusable(let path, let reason): "node key: \(path) is not a usable keystore (\(reason))"
        }
    }
}

/// Unlocks the node's signing key from its V3 keystore with the configured password.
public enum NodeKeyFile {
    /// The password a password file holds: its first line, without the line break (`\n` or `\r\n`).
    public static func password(fromFile contents: [UInt8]) -> String {
        let line = contents.prefix { $0 != UInt8(ascii: "\n") }
        return String(decoding: line.last == UInt8(ascii: "\r") ? line.dropLast() : line, as: UTF8.self)
    }

    /// The key of `config.nodeKeystorePath`, its password from `node.password_file` (first line) or
    /// `passwordVariable` (the value of `CORTENSOR_EDGE_KEY_PASSWORD`).
    static func unlock(_ config: EdgeConfig, passwordVariable: String?) throws(NodeKeyError) -> PrivateKey {
        let password: String
        if let file = config.node.passwordFile {
            password = Self.password(fromFile: try read(file, limit: 4096))
        } else if let passwordVariable {
            password = passwordVariable
        } else {
            throw .noPassword
        }
        let path = config.nodeKeystorePath
        let file = try read(path, limit: 64 << 10)
        do throws(KeystoreError) {
            return try Keystore.decrypt(file, password: password)
        } catch .wrongPassword {
            throw .wrongPassword(path: path)
        } catch {
            throw .unusable(path: path, reason: "\(error)")
        }
    }

    /// The whole file at `path`, at most `limit` bytes.
    static func read(_ path: String, limit: Int) throws(NodeKeyError) -> [UInt8] {
        do throws(FileBytes.Failure) {
            return try FileBytes.read(path, limit: limit)
        } catch .system(let code) {
            throw .unreadable(path: path, errno: code)
        } catch {
            throw .tooLarge(path: path)
        }
    }
}
