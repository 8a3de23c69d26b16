import Gateway
import Testing
import Upstream

@testable import EdgeCommands

@Suite struct OverridesTests {
    let file = """
        [server]
        port = 6000
        host = "10.0.0.1"
        [state]
        directory = "/file"
        [[miners]]
        id = "file-miner"
        url = "http://file:1"
        """

    @Test func flagsBeatEnvironmentBeatFile() throws {
        let environment = ["CORTENSOR_EDGE_SERVER_PORT": "7000", "CORTENSOR_EDGE_STATE_DIRECTORY": "/env"]
        var config = try EdgeConfig.load(toml: file, environment: environment)
        #expect(config.server.port == 7000 && config.stateDirectory == "/env" && config.server.host == "10.0.0.1")
        let parsed = try CommandLineParser().parse(["serve", "--port", "8000", "--dev", "--dev-allow-remote"])
        try EdgeCommands.applyOverrides(parsed, to: &config)
        #expect(config.auth.devAllowRemote)
        #expect(config.server.port == 8000)
        #expect(config.stateDirectory == "/env")
        #expect(config.server.host == "10.0.0.1")
        #expect(config.auth.devMode)
        #expect(config.miners.map(\.id) == ["file-miner"])
    }

    @Test func everyServeFlag() throws {
        var config = EdgeConfig()
        let parsed = try CommandLineParser().parse([
            "serve", "--host", "0.0.0.0", "--state-dir", "/flags", "--miner", "http://a:1", "--miner", "https://b/v1",
        ])
        try EdgeCommands.applyOverrides(parsed, to: &config)
        #expect(config.server.host == "0.0.0.0")
        #expect(config.stateDirectory == "/flags")
        #expect(
            config.miners == [
                MinerConfig(id: "miner-1", url: "http://a:1"), MinerConfig(id: "miner-2", url: "https://b/v1"),
            ])
        #expect(!config.auth.devMode)
    }

    @Test func devOnAReachableHostNeedsTheLoudFlag() throws {
        var config = EdgeConfig()
        let refused = try CommandLineParser().parse(["serve", "--dev", "--host", "0.0.0.0"])
        #expect {
            try EdgeCommands.applyOverrides(refused, to: &config)
        } throws: { error in
            (error as? ConfigError).map { "\($0)".contains("is not a loopback address") } ?? false
        }
        #expect(config == EdgeConfig())
        let allowed = try CommandLineParser().parse(["serve", "--dev", "--host", "0.0.0.0", "--dev-allow-remote"])
        try EdgeCommands.applyOverrides(allowed, to: &config)
        #expect(config.auth.devMode && config.auth.devAllowRemote && config.server.host == "0.0.0.0")
    }

    @Test func withoutFlagsNothingChanges() throws {
        var config = try EdgeConfig.load(toml: file, environment: [:])
        let before = config
        try EdgeCommands.applyOverrides(try CommandLineParser().parse(["keys", "list"]), to: &config)
        #expect(config == before)
    }

    @Test func badFlagValues() throws {
        var config = EdgeConfig()
        #expect(
            throws: CommandLineError.invalidValue(
                option: "port", value: "http", expected: "a port number", path: ["serve"])
        ) {
            try EdgeCommands.applyOverrides(try CommandLineParser().parse(["serve", "--port", "http"]), to: &config)
        }
        #expect(throws: ConfigError.invalidValue(key: "server.port", problem: "70000 is out of range 0...65535")) {
            try EdgeCommands.applyOverrides(try CommandLineParser().parse(["serve", "--port", "70000"]), to: &config)
        }
        #expect(throws: ConfigError.invalidValue(key: "miners[0].url", problem: "\"ftp://x\" is not an http(s) URL")) {
            try EdgeCommands.applyOverrides(
                try CommandLineParser().parse(["serve", "--miner", "ftp://x"]), to: &config)
        }
        #expect(config == EdgeConfig(), "a failed override leaves the configuration unchanged")
    }
}
