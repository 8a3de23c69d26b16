import Log
import Testing
import Upstream

@testable import Gateway

@Suite struct EdgeConfigEnvironmentTests {
    @Test func overridesEveryKindOfSetting() throws {
        let config = try EdgeConfig.load(
            toml: "[server]\nport = 6000\nhost = \"10.0.0.1\"\n[log]\nlevel = \"error\"",
            environment: [
                "CORTENSOR_EDGE_SERVER_PORT": "7000",
                "CORTENSOR_EDGE_SERVER_HOST": "0.0.0.0",
                "CORTENSOR_EDGE_STATE_DIRECTORY": "/srv/edge",
                "CORTENSOR_EDGE_LOG_LEVEL": "warning",
                "CORTENSOR_EDGE_AUTH_DEV_MODE": "true",
                "CORTENSOR_EDGE_AUTH_DEV_ALLOW_REMOTE": "true",
                "CORTENSOR_EDGE_POOL_BREAKER_OPEN_SECONDS": "90",
                "CORTENSOR_EDGE_ADMIN_PORT": "9100",
                "HOME": "/root", "CORTENSOR_OTHER": "ignored",
            ])
        #expect(config.server.port == 7000)
        #expect(config.server.host == "0.0.0.0")
        #expect(config.stateDirectory == "/srv/edge")
        #expect(config.logLevel == .warning)
        #expect(config.auth.devMode && config.auth.devAllowRemote)
        #expect(config.minerPool.breakerOpenDuration == .seconds(90))
        #expect(config.admin.port == 9100)
    }

    @Test func everySettingHasAVariable() throws {
        for setting in EdgeConfig.settings {
            let value: String =
                switch setting.kind {
                case _ where setting.path == "node.public_url": "https://router.example"
                case .integer(let range): String(range.upperBound)
                case .bool: "1"
                case .logLevel: "trace"
                case .string, .optionalString: "x"
                case .urlList: "https://a.example, http://b.example"
                case .cachePolicy: "all"
                }
            var environment = [setting.environmentName: value]
            if setting.key.hasPrefix("tls_") {
                environment["CORTENSOR_EDGE_SERVER_TLS_CERT"] = "/c"
                environment["CORTENSOR_EDGE_SERVER_TLS_KEY"] = "/k"
            }
            if setting.path == "admin.port" { environment["CORTENSOR_EDGE_SERVER_PORT"] = "1" }
            if setting.path == "server.max_body_bytes" {
                environment["CORTENSOR_EDGE_SERVER_MAX_BUFFERED_BODY_BYTES"] = value
            }
            let config = try EdgeConfig.load(toml: nil, environment: environment)
            #expect(config != EdgeConfig(), "\(setting.environmentName) changed nothing")
        }
    }

    @Test func bodiesInFlightMustHoldAtLeastOneBody() {
        #expect(throws: ConfigError.self) {
            try EdgeConfig.load(
                toml: "[server]\nmax_body_bytes = 2048\nmax_buffered_body_bytes = 1024", environment: [:])
        }
    }

    @Test func urlListsAreCommaSeparatedAndChecked() throws {
        let config = try EdgeConfig.load(
            toml: nil, environment: ["CORTENSOR_EDGE_IPFS_UPSTREAM_GATEWAYS": " https://a.example ,, http://b:8080 "])
        #expect(config.ipfs.upstreamGateways == ["https://a.example", "http://b:8080"])
        #expect(throws: ConfigError.self) {
            try EdgeConfig.load(toml: nil, environment: ["CORTENSOR_EDGE_IPFS_UPSTREAM_GATEWAYS": "ftp://x"])
        }
        #expect(throws: ConfigError.self) {
            try EdgeConfig.load(toml: "[ipfs]\nupstream_gateways = [1]", environment: [:])
        }
        #expect(throws: ConfigError.self) {
            try EdgeConfig.load(toml: "[ipfs]\nupstream_gateways = \"x\"", environment: [:])
        }
    }

    @Test func minersVariableReplacesTheList() throws {
        let config = try EdgeConfig.load(
            toml: "[[miners]]\nid = \"old\"\nurl = \"http://old:1\"",
            environment: ["CORTENSOR_EDGE_MINERS": "http://a:8080, https://b.example.com/v ,"])
        #expect(
            config.miners == [
                MinerConfig(id: "miner-1", url: "http://a:8080"),
                MinerConfig(id: "miner-2", url: "https://b.example.com/v"),
            ])
        #expect(try EdgeConfig.load(toml: nil, environment: ["CORTENSOR_EDGE_MINERS": ""]).miners.isEmpty)
    }

    @Test func emptyTLSVariableClearsTheFileValue() throws {
        let config = try EdgeConfig.load(
            toml: "[server]\ntls_cert = \"/c\"\ntls_key = \"/k\"",
            environment: ["CORTENSOR_EDGE_SERVER_TLS_CERT": "", "CORTENSOR_EDGE_SERVER_TLS_KEY": ""])
        #expect(config.server.tlsCertificatePath == nil && config.server.tlsKeyPath == nil)
    }

    @Test(arguments: [
        (
            ["CORTENSOR_EDGE_SERVER_PROT": "1"],
            "config: CORTENSOR_EDGE_SERVER_PROT: unknown environment variable (did you mean CORTENSOR_EDGE_SERVER_PORT?)"
        ),
        (["CORTENSOR_EDGE_BOGUS": "1"], "config: CORTENSOR_EDGE_BOGUS: unknown environment variable"),
        (["CORTENSOR_EDGE_SERVER_PORT": "abc"], "config: CORTENSOR_EDGE_SERVER_PORT: \"abc\" is not an integer"),
        (["CORTENSOR_EDGE_SERVER_PORT": "99999"], "config: server.port: 99999 is out of range 0...65535"),
        (
            ["CORTENSOR_EDGE_AUTH_DEV_MODE": "maybe"],
            "config: CORTENSOR_EDGE_AUTH_DEV_MODE: \"maybe\" is not a boolean (true or false)"
        ),
        (
            ["CORTENSOR_EDGE_LOG_LEVEL": "loud"],
            "config: CORTENSOR_EDGE_LOG_LEVEL: \"loud\" is not one of trace, debug, info, notice, warning, error, critical"
        ),
        (["CORTENSOR_EDGE_MINERS": "ftp://x"], "config: miners[0].url: \"ftp://x\" is not an http(s) URL"),
    ])
    func rejects(environment: [String: String], message: String) {
        do {
            _ = try EdgeConfig.load(toml: nil, environment: environment)
            Issue.record("accepted \(environment)")
        } catch {
            #expect(error.description == message)
        }
    }

    @Test func environmentBeatsFile() throws {
        let file = "[server]\nport = 6000"
        #expect(try EdgeConfig.load(toml: file, environment: [:]).server.port == 6000)
        #expect(
            try EdgeConfig.load(toml: file, environment: ["CORTENSOR_EDGE_SERVER_PORT": "6001"]).server.port == 6001)
    }
}
