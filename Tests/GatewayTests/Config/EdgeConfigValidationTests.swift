import Testing

@testable import Gateway

@Suite struct EdgeConfigValidationTests {
    /// Each bad file and the exact one-line message it must produce.
    @Test(arguments: [
        ("[server]\nport = 70000", "config: server.port: 70000 is out of range 0...65535"),
        ("[server]\nport = -1", "config: server.port: -1 is out of range 0...65535"),
        ("[server]\nport = \"80\"", "config: server.port: expected an integer, found a string"),
        ("[server]\nprot = 80", "config: server.prot: unknown key (did you mean server.port?)"),
        ("[sever]\nport = 80", "config: sever: unknown key (did you mean server?)"),
        ("colour = 1", "config: colour: unknown key"),
        ("server = 1", "config: server: expected a table, found an integer"),
        ("[server]\nhost = \"\"", "config: server.host: must not be empty"),
        ("[server]\nhost = \"a b\"", "config: server.host: \"a b\" is not a host name or IP address"),
        ("[server]\nconnection_limit = 0", "config: server.connection_limit: 0 is out of range 1...1000000"),
        ("[server]\nmax_body_bytes = 0", "config: server.max_body_bytes: 0 is out of range 1...1073741824"),
        ("[server]\nidle_timeout_seconds = 0", "config: server.idle_timeout_seconds: 0 is out of range 1...86400"),
        (
            "[server]\ntls_cert = \"/c.pem\"",
            "config: server.tls_cert: is set but server.tls_key is not (set both or neither)"
        ),
        (
            "[server]\ntls_key = \"/k.pem\"",
            "config: server.tls_key: is set but server.tls_cert is not (set both or neither)"
        ),
        ("[admin]\nport = 5010", "config: admin.port: 5010 is already used by server.port"),
        ("[auth]\ndev_mode = \"yes\"", "config: auth.dev_mode: expected a boolean, found a string"),
        (
            "[state]\nwal_limit_bytes = 1000",
            "config: state.wal_limit_bytes: 1000 is out of range 1048576...1099511627776"
        ),
        ("[state]\nmin_free_bytes = -1", "config: state.min_free_bytes: -1 is out of range 0...1125899906842624"),
        ("[state]\nmax_bytes = 4194303", "config: state.max_bytes: 4194303 must be 0 (no cap) or at least 4194304"),
        ("[tasks]\nkeep_days = -1", "config: tasks.keep_days: -1 is out of range 0...36500"),
        ("[tasks]\nkeep_max = \"all\"", "config: tasks.keep_max: expected an integer, found a string"),
        ("[tasks]\nkeep_mx = 3", "config: tasks.keep_mx: unknown key (did you mean tasks.keep_max?)"),
        ("[auth]\nrate_limit_burst = 0", "config: auth.rate_limit_burst: 0 is out of range 1...1000000"),
        ("[state]\ndirectory = \"\"", "config: state.directory: must not be empty"),
        (
            "[log]\nlevel = \"verbose\"",
            "config: log.level: \"verbose\" is not one of trace, debug, info, notice, warning, error, critical"
        ),
        ("[pool]\nmax_attempts = -1", "config: pool.max_attempts: -1 is out of range 0...64"),
        ("[pool]\nhedge_budget_percent = 101", "config: pool.hedge_budget_percent: 101 is out of range 0...100"),
        (
            "[pool]\nfirst_token_timeout_seconds = 1.5",
            "config: pool.first_token_timeout_seconds: expected an integer, found a float"
        ),
        ("[[miners]]\nid = \"a\"", "config: miners[0].url: missing"),
        (
            "[[miners]]\nid = \"a\"\nurl = \"http://a\"\n[[miners]]\nurl = \"ftp://x\"",
            "config: miners[1].url: \"ftp://x\" is not an http(s) URL"
        ),
        ("[[miners]]\nid = \"\"\nurl = \"http://a\"", "config: miners[0].id: must not be empty"),
        (
            "[[miners]]\nid = \"a b\"\nurl = \"http://a\"",
            "config: miners[0].id: \"a b\" may only use letters, digits, '.', '_' and '-'"
        ),
        (
            "[[miners]]\nid = \"a\"\nurl = \"http://a\"\n[[miners]]\nid = \"a\"\nurl = \"http://b\"",
            "config: miners[1].id: \"a\" is already used by miners[0]"
        ),
        ("[[miners]]\nurl = \"http://a\"\nweight = 0", "config: miners[0].weight: 0.0 must be a positive number"),
        ("[[miners]]\nurl = \"http://a\"\nweight = inf", "config: miners[0].weight: inf must be a positive number"),
        (
            "[[miners]]\nurl = \"http://a\"\nmodels = \"m\"",
            "config: miners[0].models: expected an array of strings, found a string"
        ),
        (
            "[[miners]]\nurl = \"http://a\"\nmodels = [1]",
            "config: miners[0].models[0]: expected a string, found an integer"
        ),
        ("[[miners]]\nurl = \"http://a\"\nmodels = [\"\"]", "config: miners[0].models[0]: must not be empty"),
        (
            "[[miners]]\nurl = \"http://a\"\napi_key = \"k\\r\\nX: y\"",
            "config: miners[0].api_key: must be non-empty without control characters"
        ),
        (
            "[[miners]]\nurl = \"http://a\"\napikey = \"k\"",
            "config: miners[0].apikey: unknown key (did you mean miners[0].api_key?)"
        ),
        ("miners = [1]", "config: miners[0]: expected a table, found an integer"),
        ("miners = 1", "config: miners: expected an array of tables, found an integer"),
        ("[[sessions]]\nname = \"x\"", "config: sessions[0].id: missing"),
        ("[[sessions]]\nid = -1", "config: sessions[0].id: -1 is negative"),
        ("[[sessions]]\nid = 1\n[[sessions]]\nid = 1", "config: sessions[1].id: 1 is already used by sessions[0]"),
        (
            "[[sessions]]\nid = 1\nminers = [\"ghost\"]",
            "config: sessions[0].miners[0]: \"ghost\" is not a configured miner id"
        ),
        (
            "[[miners]]\nid = \"a\"\nurl = \"http://a\"\n[[sessions]]\nid = 1\nminers = [\"a\", \"a\"]",
            "config: sessions[0].miners[1]: \"a\" is listed twice"
        ),
        ("[[sessions]]\nid = 1\nredundancy = 0", "config: sessions[0].redundancy: 0 is out of range 1...16"),
        (
            "[[sessions]]\nid = 1\ntimeout_seconds = 0",
            "config: sessions[0].timeout_seconds: 0 is out of range 1...86400"
        ),
        ("[[sessions]]\nid = 1\nname = \"\"", "config: sessions[0].name: must not be empty"),
        ("[server]\nport = 1\nport = 2", "config: line 3, column 1: duplicate key port"),
    ])
    func rejects(toml: String, message: String) {
        do {
            _ = try EdgeConfig.load(toml: toml, environment: [:])
            Issue.record("accepted: \(toml)")
        } catch {
            #expect(error.description == message)
            #expect(!error.description.contains("\n"))
        }
    }

    @Test(arguments: [
        "http://127.0.0.1:8080", "https://miner.example.com", "http://localhost", "http://a:1",
        "https://[::1]:8443/v", "http://host.lan:65535/openai/", "http://h/p/q-r_s.t",
    ])
    func acceptsMinerURL(_ url: String) {
        #expect(MinerURL.isValid(url))
    }

    @Test(arguments: [
        "ftp://x", "http://", "http:///p", "http://a:0", "http://a:65536", "http://a:", "http://a:+80", "http://a:8o",
        "http://a b", "http://user@a", "http://a/p?q=1", "http://a/#f", "HTTP://a", "http//a", "http://[::1",
        "http://[zz]", "http://[::1]x", "http://-a", "http://a/p q", "127.0.0.1:8080", "",
    ])
    func rejectsMinerURL(_ url: String) {
        #expect(!MinerURL.isValid(url))
    }

    @Test func secretsNeverAppearInErrors() {
        do {
            _ = try EdgeConfig.load(
                toml: "[[miners]]\nurl = \"http://a\"\napi_key = \"sk-abc\\u0000\"", environment: [:])
            Issue.record("accepted a key with a NUL")
        } catch {
            #expect(!error.description.contains("sk-abc"))
        }
    }
}

@Suite struct ConfigMessageShapeTests {
    /// Keys with escapes (newlines, quotes) must not break the one-line message.
    @Test(arguments: [
        ("[server]\n\"po\\nrt\" = 1", "config: server.\"po\\nrt\": unknown key (did you mean server.port?)"),
        ("\"a\\u0007\" = 1", "config: \"a\\u0007\": unknown key"),
        ("\"x\\ny\" = 1\n\"x\\ny\" = 2", "config: line 2, column 1: duplicate key \"x\\ny\""),
    ])
    func escapedKeys(toml: String, message: String) {
        do {
            _ = try EdgeConfig.load(toml: toml, environment: [:])
            Issue.record("accepted \(toml)")
        } catch {
            #expect(error.description == message)
            #expect(!error.description.contains("\n"))
        }
    }

    @Test func environmentNameIsEscaped() {
        #expect(throws: ConfigError.unknownEnvironmentVariable(name: "\"CORTENSOR_EDGE_A\\nB\"", suggestion: nil)) {
            try EdgeConfig.load(toml: nil, environment: ["CORTENSOR_EDGE_A\nB": "1"])
        }
    }
}
