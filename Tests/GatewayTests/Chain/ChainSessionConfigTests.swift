import Foundation
import Testing

@testable import Gateway

/// `[[sessions]]` entries on chain: `chain` and `chain_session_id`, checked against the chain tables; the node key
/// they need is unlocked from the configured keystore and password.
@Suite struct ChainSessionConfigTests {
    static let chain = """
        [chains.service]
        chain_id = 1337
        endpoints = ["http://127.0.0.1:8545"]
        session_v2 = "0x2f1380ba4eFBE866C811862e50923585b31EA03B"

        """

    @Test func readsAChainSessionAndDescribesIt() throws {
        let file = Self.chain + "[[sessions]]\nid = 7\nname = \"on-chain\"\nchain = \"service\"\nchain_session_id = 42"
        let config = try EdgeConfig.load(toml: file, environment: [:])
        #expect(config.sessions[0].chain == ChainSessionReference(layer: .service, sessionID: 42))
        #expect(config.sessions[1].chain == nil, "session 0, added by default, stays local")
        let text = config.describe()
        #expect(text.contains("chain = \"service\"\nchain_session_id = 42"))
        #expect(try EdgeConfig.load(toml: text, environment: [:]) == config)
    }

    @Test func anotherLayerFallsBackToTheServiceChain() throws {
        let file = Self.chain + "[[sessions]]\nid = 1\nchain = \"registration\"\nchain_session_id = 0"
        let config = try EdgeConfig.load(toml: file, environment: [:])
        #expect(config.sessions[0].chain?.layer == .registration)
    }

    @Test(arguments: [
        (
            Self.chain + "[[sessions]]\nid = 1\nchain = \"service\"",
            "config: sessions[0].chain_session_id: missing"
        ),
        (
            Self.chain + "[[sessions]]\nid = 1\nchain_session_id = 3",
            "config: sessions[0].chain_session_id: is set but chain is not (set both)"
        ),
        (
            Self.chain + "[[sessions]]\nid = 1\nchain = \"servce\"\nchain_session_id = 3",
            "config: sessions[0].chain: \"servce\" is not one of registration, health, service"
        ),
        (
            Self.chain + "[[sessions]]\nid = 1\nchain = \"service\"\nchain_session_id = -1",
            "config: sessions[0].chain_session_id: -1 is negative"
        ),
        (
            Self.chain + "[[sessions]]\nid = 1\nchain = 1\nchain_session_id = 3",
            "config: sessions[0].chain: expected a string, found an integer"
        ),
        (
            "[[sessions]]\nid = 1\nchain = \"service\"\nchain_session_id = 3",
            "config: sessions[0].chain: \"service\" needs a [chains.service] table"
        ),
        (
            "[chains.service]\nchain_id = 1\nendpoints = [\"http://a\"]\n[[sessions]]\nid = 1\nchain = \"service\"\n"
                + "chain_session_id = 3",
            "config: sessions[0].chain: \"service\" needs chains.service.session_v2 set"
        ),
        (
            "[chains.service]\nchain_id = 1\nendpoints = [\"http://a\"]\n[[sessions]]\nid = 1\nchain = \"health\"\n"
                + "chain_session_id = 3",
            "config: sessions[0].chain: \"health\" needs chains.service.session_v2 set"
        ),
    ])
    func badChainSessionIsOneClearLine(file: String, message: String) {
        let error = #expect(throws: ConfigError.self) { try EdgeConfig.load(toml: file, environment: [:]) }
        #expect(error?.description == message)
    }
}

/// Unlocking the node key at start: the password file's first line, else the variable; clear errors otherwise.
@Suite struct NodeKeyFileTests {
    /// eth-account's `Account.encrypt("0x11…11", "right", kdf="pbkdf2", iterations=2)`.
    static let keystore = """
        {"address": "19E7E376E7C213B7E7e7e46cc70A5dD086DAff2A", "crypto": {"cipher": "aes-128-ctr", \
        "cipherparams": {"iv": "d9918170d4f445e38469bf709d628a38"}, \
        "ciphertext": "f8b574b9ef41b0ccb67a9f08e29ee222de1d31d5001c28aebe6e66537df4cf5d", "kdf": "pbkdf2", \
        "kdfparams": {"c": 2, "dklen": 32, "prf": "hmac-sha256", "salt": "3377fcd68a3496912d750c82870496fc"}, \
        "mac": "c0235be8a02d3a087aedaf5278b0574a34cbd4ec07de91222d12e40c5825b726"}, \
        "id": "34f00794-c52d-4ec4-ba7f-aced95da6905", "version": 3}
        """

    let directory: StorageTestDirectory
    var config = EdgeConfig()

    init() throws {
        directory = try StorageTestDirectory()
        config.node.keystorePath = directory.path + "/node-key.json"
        try Self.keystore.write(toFile: directory.path + "/node-key.json", atomically: true, encoding: .utf8)
    }

    func passwordFile(_ text: String) throws -> String {
        let path = directory.path + "/password"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func thePasswordFileWinsOverTheVariable() throws {
        var config = config
        config.node.passwordFile = try passwordFile("right\r\nsecond line")
        #expect(throws: Never.self) { _ = try NodeKeyFile.unlock(config, passwordVariable: "wrong") }
        #expect(throws: Never.self) { _ = try NodeKeyFile.unlock(self.config, passwordVariable: "right") }
    }

    @Test func failuresNameTheFileNeverThePassword() throws {
        #expect(throws: NodeKeyError.noPassword) { _ = try NodeKeyFile.unlock(config, passwordVariable: nil) }
        let wrong = #expect(throws: NodeKeyError.self) {
            _ = try NodeKeyFile.unlock(config, passwordVariable: "hunter2")
        }
        #expect(wrong?.description == "node key: the password does not open \(config.nodeKeystorePath)")
        var missing = config
        missing.node.keystorePath = directory.path + "/absent.json"
        let absent = #expect(throws: NodeKeyError.self) { _ = try NodeKeyFile.unlock(missing, passwordVariable: "x") }
        #expect(absent?.description.hasPrefix("node key: \(directory.path)/absent.json does not exist") == true)
        try "{}".write(toFile: config.nodeKeystorePath, atomically: true, encoding: .utf8)
        let unusable = #expect(throws: NodeKeyError.self) { _ = try NodeKeyFile.unlock(config, passwordVariable: "x") }
        #expect(
            unusable?.description.hasPrefix("node key: \(config.nodeKeystorePath) is not a usable keystore") == true)
    }
}
