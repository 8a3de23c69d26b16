import Gateway
import Testing
import Upstream

@testable import EdgeCommands

@Suite struct ConfigCheckTests {
    @Test func validFileIsPrintedMasked() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.file(
            "ok.toml",
            "[server]\nport = 6001\n[[miners]]\nid = \"m\"\nurl = \"http://m:1\"\napi_key = \"sk-very-secret\"\n")
        let result = ConfigCheck.run(configPath: path, environment: ["CORTENSOR_EDGE_LOG_LEVEL": "debug"])
        #expect(result.exitCode == 0)
        #expect(result.output.contains("port = 6001"))
        #expect(result.output.contains("level = \"debug\""))
        #expect(result.output.contains("api_key = \"***\""))
        #expect(!result.output.contains("sk-very-secret"))
        #expect(result.output.hasPrefix("# cortensor-edge: configuration OK (file \(path)); secrets masked\n"))
        let reloaded = try EdgeConfig.load(toml: result.output, environment: [:])
        #expect(reloaded.server.port == 6001 && reloaded.miners[0].apiKey == "***")
    }

    @Test func noFileMeansDefaults() throws {
        let result = ConfigCheck.run(configPath: nil, environment: [:])
        #expect(result.exitCode == 0)
        #expect(try EdgeConfig.load(toml: result.output, environment: [:]) == EdgeConfig())
    }

    @Test func badInputIsOneLineAndExitTwo() throws {
        let directory = try TemporaryDirectory()
        let cases: [(path: String, message: String)] = [
            (
                directory.path + "/missing.toml",
                "config: \(directory.path)/missing.toml: cannot open: No such file or directory"
            ),
            (directory.path, "config: \(directory.path): cannot read: Is a directory"),
            (
                try directory.file("bad.toml", "[server]\nport = \"x\"\n"),
                "config: server.port: expected an integer, found a string"
            ),
            (
                try directory.file("syntax.toml", "[server\n"),
                "config: line 1, column 8: unexpected end of line, expected ']' closing the table header"
            ),
        ]
        for (path, message) in cases {
            let result = ConfigCheck.run(configPath: path, environment: [:])
            #expect(result.exitCode == 2)
            #expect(result.output == message + "\n")
        }
        let unknown = ConfigCheck.run(configPath: nil, environment: ["CORTENSOR_EDGE_PORT": "1"])
        #expect(
            unknown.exitCode == 2
                && unknown.output.hasPrefix("config: CORTENSOR_EDGE_PORT: unknown environment variable"))
    }

    @Test func oversizedAndNonUTF8Files() throws {
        let directory = try TemporaryDirectory()
        let big = try directory.file("big.toml", String(repeating: "#", count: ConfigFile.maxBytes + 1))
        #expect(throws: ConfigError.unreadableFile(path: big, reason: "larger than \(ConfigFile.maxBytes) bytes")) {
            try ConfigFile.read(big)
        }
        let exact = try directory.file("exact.toml", String(repeating: "#", count: ConfigFile.maxBytes))
        #expect(try ConfigFile.read(exact).utf8.count == ConfigFile.maxBytes)
        let binaryPath = directory.path + "/binary.toml"
        FileManagerShim.write([0x61, 0x20, 0x3D, 0x20, 0xFF], to: binaryPath)
        #expect(throws: ConfigError.unreadableFile(path: binaryPath, reason: "not valid UTF-8")) {
            try ConfigFile.read(binaryPath)
        }
    }
}
