import Log
import TOML
import Testing

@testable import Gateway

@Suite struct EdgeConfigTests {
    @Test func defaultsWithoutFile() throws {
        let config = try EdgeConfig.load(toml: nil, environment: [:])
        #expect(config == EdgeConfig())
        #expect(config.server.host == "127.0.0.1")
        #expect(config.server.port == 5010)
        #expect(config.stateDirectory == "./.cortensor-edge")
        #expect(config.miners.isEmpty)
        #expect(config.sessions == [SessionConfig(id: 0, name: "default", model: "", miners: [])])
        #expect(config.logLevel == .info)
        #expect(config.auth == EdgeConfig.Auth())
        #expect(config.admin.port == 0)
        #expect(config.server.tlsCertificatePath == nil)
    }

    static let fullFile = """
        [server]
        host = "0.0.0.0"
        port = 8443
        worker_threads = 4
        connection_limit = 2000
        per_ip_connection_limit = 32
        idle_timeout_seconds = 30
        max_body_bytes = 2_097_152
        request_deadline_seconds = 600
        shutdown_grace_seconds = 5
        tls_cert = "/etc/cortensor-edge/cert.pem"
        tls_key = "/etc/cortensor-edge/key.pem"

        [admin]
        host = "10.0.0.1"
        port = 9100

        [state]
        directory = "/var/lib/cortensor-edge"

        [auth]
        dev_mode = true
        dev_allow_remote = true
        rate_limit_per_minute = 120
        rate_limit_burst = 10

        [log]
        level = "debug"

        [pool]
        max_attempts = 2
        first_token_timeout_seconds = 20
        connect_timeout_seconds = 3
        probe_interval_seconds = 60
        breaker_failure_threshold = 5
        breaker_open_seconds = 45

        [[miners]]
        id = "gpu-1"
        url = "http://10.0.0.5:8080"
        models = ["llama-3.2-1b", "qwen2.5-0.5b"]
        weight = 2.5
        api_key = "sk-secret-one"

        [[miners]]
        url = "https://miner.example.com/openai"
        weight = 1

        [[sessions]]
        id = 0
        name = "main"
        model = "llama-3.2-1b"
        miners = ["gpu-1"]

        [[sessions]]
        id = 7
        name = "redundant"
        miners = ["gpu-1", "miner-2"]
        redundancy = 2
        timeout_seconds = 60
        """

    @Test func fullFile() throws {
        let config = try EdgeConfig.load(toml: Self.fullFile, environment: [:])
        var server = EdgeConfig.Server()
        server.host = "0.0.0.0"
        server.port = 8443
        server.workerThreads = 4
        server.connectionLimit = 2000
        server.perIPConnectionLimit = 32
        server.idleTimeoutSeconds = 30
        server.maxBodyBytes = 2_097_152
        server.requestDeadlineSeconds = 600
        server.shutdownGraceSeconds = 5
        server.tlsCertificatePath = "/etc/cortensor-edge/cert.pem"
        server.tlsKeyPath = "/etc/cortensor-edge/key.pem"
        #expect(config.server == server)
        #expect(config.admin.host == "10.0.0.1" && config.admin.port == 9100)
        #expect(config.stateDirectory == "/var/lib/cortensor-edge")
        #expect(config.auth.devMode && config.auth.rateLimitPerMinute == 120 && config.auth.rateLimitBurst == 10)
        #expect(config.auth.devAllowRemote)
        #expect(config.logLevel == .debug)
        var pool = MinerPoolSettings()
        pool.maxAttempts = 2
        pool.firstTokenTimeout = .seconds(20)
        pool.connectTimeout = .seconds(3)
        pool.probeInterval = .seconds(60)
        pool.breakerFailureThreshold = 5
        pool.breakerOpenDuration = .seconds(45)
        #expect(config.minerPool == pool)
        #expect(
            config.miners == [
                MinerConfig(
                    id: "gpu-1", url: "http://10.0.0.5:8080", models: ["llama-3.2-1b", "qwen2.5-0.5b"], weight: 2.5,
                    apiKey: "sk-secret-one"),
                MinerConfig(id: "miner-2", url: "https://miner.example.com/openai"),
            ])
        #expect(
            config.sessions == [
                SessionConfig(id: 0, name: "main", model: "llama-3.2-1b", miners: ["gpu-1"]),
                SessionConfig(
                    id: 7, name: "redundant", miners: ["gpu-1", "miner-2"], redundancy: 2, timeoutSeconds: 60),
            ])
    }

    @Test func sessionZeroIsAddedWhenMissing() throws {
        let config = try EdgeConfig.load(toml: "[[sessions]]\nid = 3\nname = \"three\"", environment: [:])
        #expect(config.sessions.map(\.id) == [3, 0])
        #expect(config.sessions[1] == EdgeConfig.defaultSession)
        #expect(config.sessions[0].timeoutSeconds == 300 && config.sessions[0].redundancy == 1)
        #expect(config.sessions[0].name == "three" && config.sessions[0].miners.isEmpty)
    }

    @Test func describeRoundTripsAndMasksSecrets() throws {
        let config = try EdgeConfig.load(toml: Self.fullFile, environment: [:])
        let masked = config.describe(maskingSecrets: true)
        #expect(!masked.contains("sk-secret-one"))
        #expect(masked.contains("api_key = \"***\""))
        #expect(try EdgeConfig.load(toml: config.describe(maskingSecrets: false), environment: [:]) == config)
        let defaults = EdgeConfig()
        #expect(try EdgeConfig.load(toml: defaults.describe(), environment: [:]) == defaults)
        #expect(defaults.describe().contains("# tls_cert is not set"))
        for setting in EdgeConfig.settings where setting.kind.isRequired {
            #expect(defaults.describe().contains("\n\(setting.key) = "), "\(setting.path)")
        }
    }

    @Test func commentedDefaultFileYieldsDefaults() throws {
        let text = EdgeConfig.commentedDefaultTOML
        #expect(try EdgeConfig.load(toml: text, environment: [:]) == EdgeConfig())
        // Uncommenting every default line (`#key = value`, `#[section]`) must still give the defaults.
        let uncommented = text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            line.hasPrefix("#") && line.dropFirst().first.map { $0 == "[" || $0.isLetter } == true
                ? String(line.dropFirst()) : String(line)
        }.joined(separator: "\n")
        let document = try TOMLDocument(parsing: uncommented)
        #expect(document.root.keys == EdgeConfig.scalarSections)
        #expect(try EdgeConfig.load(toml: uncommented, environment: [:]) == EdgeConfig())
        for setting in EdgeConfig.settings {
            let section = document.root[setting.section]
            let present = if case .table(let table) = section { table[setting.key] != nil } else { false }
            // Settings without a default (TLS paths) are shown as commented examples instead.
            #expect(present || text.contains("#   \(setting.key) = "), "\(setting.path) missing from the default file")
        }
        for example in ["[[miners]]", "[[sessions]]", "api_key", "redundancy", "timeout_seconds", "models", "weight"] {
            #expect(text.contains(example))
        }
    }
}

extension EdgeConfig.SettingKind {
    /// Whether the setting always has a value.
    var isRequired: Bool {
        if case .optionalString = self { return false }
        return true
    }
}
