import Testing

@testable import Gateway

@Suite struct ChainSettingsTests {
    static let file = """
        [node]
        keystore = "/var/lib/cortensor-edge/node-key.json"
        password_file = "/etc/cortensor-edge/node-key.password"
        public_url = "https://router.example.org"

        [chains.service]
        chain_id = 18964747554
        endpoints = ["https://a.example/rpc", "http://127.0.0.1:8547"]
        verify = "proofs"
        confirmations = 4
        session_v2 = "0x2f1380ba4eFBE866C811862e50923585b31EA03B"
        session_queue_v2 = "0x2fCC55699048eD2e22fe46b1dD45557024fD1836"

        [chains.registration]
        chain_id = 421614
        endpoints = ["https://a.example", "https://b.example", "https://c.example"]
        quorum = 3
        """

    @Test func readsLayersContractsAndTheNode() throws {
        let config = try EdgeConfig.load(toml: Self.file, environment: [:])
        let service = try #require(config.chains[.service])
        #expect(service.chainID == 18_964_747_554)
        #expect(service.endpoints == ["https://a.example/rpc", "http://127.0.0.1:8547"])
        #expect(service.verification == .proofs)
        #expect(service.confirmations == 4)
        #expect(service.requiredAgreement == 2)
        #expect(service.sessionContract == "0x2f1380ba4eFBE866C811862e50923585b31EA03B")
        #expect(service.nodePoolContract == nil)
        let registration = try #require(config.chains[.registration])
        #expect(registration.verification == .quorum)
        #expect(registration.requiredAgreement == 3)
        #expect(config.chain(for: .health) == service, "an unconfigured layer uses the service chain")
        #expect(config.chain(for: .registration) == registration)
        #expect(config.nodeKeystorePath == "/var/lib/cortensor-edge/node-key.json")
        #expect(config.node.passwordFile == "/etc/cortensor-edge/node-key.password")
        #expect(config.publicURL == "https://router.example.org")
    }

    @Test func noChainsByDefaultAndTheKeystoreLivesInTheStateDirectory() throws {
        let config = try EdgeConfig.load(toml: nil, environment: [:])
        #expect(config.chains.isEmpty)
        #expect(config.chain(for: .service) == nil)
        #expect(config.nodeKeystorePath == "./.cortensor-edge/node-key.json")
        #expect(config.publicURL == "http://127.0.0.1:5010")
    }

    @Test func describeRoundTrips() throws {
        let config = try EdgeConfig.load(toml: Self.file, environment: [:])
        let text = config.describe()
        #expect(text.contains("[chains.service]"))
        #expect(try EdgeConfig.load(toml: text, environment: [:]) == config)
    }

    @Test func environmentOverridesAndCreatesLayers() throws {
        let config = try EdgeConfig.load(
            toml: Self.file,
            environment: [
                "CORTENSOR_EDGE_CHAINS_SERVICE_ENDPOINTS": "https://x.example, https://y.example,",
                "CORTENSOR_EDGE_CHAINS_SERVICE_SESSION_V2": "",
                "CORTENSOR_EDGE_CHAINS_HEALTH_CHAIN_ID": "421614",
                "CORTENSOR_EDGE_CHAINS_HEALTH_ENDPOINTS": "https://h.example",
                "CORTENSOR_EDGE_NODE_PUBLIC_URL": "https://other.example",
                "CORTENSOR_EDGE_KEY_PASSWORD": "not a setting",
            ])
        #expect(config.chains[.service]?.endpoints == ["https://x.example", "https://y.example"])
        #expect(config.chains[.service]?.sessionContract == nil)
        #expect(config.chains[.service]?.chainID == 18_964_747_554)
        #expect(config.chains[.health] == ChainSettings(chainID: 421_614, endpoints: ["https://h.example"]))
        #expect(config.publicURL == "https://other.example")
    }

    @Test(arguments: [
        (
            "[chains.servce]\nchain_id = 1\nendpoints = [\"http://a\"]",
            "config: chains.servce: unknown key (did you mean chains.service?)"
        ),
        ("[chains.service]\nendpoints = [\"http://a\"]", "config: chains.service.chain_id: missing"),
        ("[chains.service]\nchain_id = 1", "config: chains.service.endpoints: missing"),
        (
            "[chains.service]\nchain_id = 0\nendpoints = [\"http://a\"]",
            "config: chains.service.chain_id: 0 must be positive"
        ),
        (
            "[chains.service]\nchain_id = 1\nendpoints = []",
            "config: chains.service.endpoints: needs at least one JSON-RPC URL"
        ),
        (
            "[chains.service]\nchain_id = 1\nendpoints = [\"ws://a\"]",
            "config: chains.service.endpoints[0]: \"ws://a\" is not an http(s) URL"
        ),
        (
            "[chains.service]\nchain_id = 1\nendpoints = [\"http://a\"]\nquorum = 2",
            "config: chains.service.quorum: 2 is out of range 1...1 (the number of endpoints)"
        ),
        (
            "[chains.service]\nchain_id = 1\nendpoints = [\"http://a\"]\nverify = \"trust\"",
            "config: chains.service.verify: \"trust\" is not one of quorum, proofs, none"
        ),
        (
            "[chains.service]\nchain_id = 1\nendpoints = [\"http://a\"]\nsession_v2 = \"0x12\"",
            "config: chains.service.session_v2: \"0x12\" is not a 0x-prefixed 20-byte address"
        ),
        (
            "[chains.service]\nchain_id = 1\nendpoints = [\"http://a\"]\nrpc = 1",
            "config: chains.service.rpc: unknown key"
        ),
        (
            "[node]\npublic_url = \"router.example\"",
            "config: node.public_url: \"router.example\" is not an http(s) URL"
        ),
        ("chains = 1", "config: chains: expected a table, found an integer"),
    ])
    func badChainConfigIsOneClearLine(file: String, message: String) {
        let error = #expect(throws: ConfigError.self) { try EdgeConfig.load(toml: file, environment: [:]) }
        #expect(error?.description == message)
    }

    @Test func anUnknownChainVariableIsNamed() {
        let error = #expect(throws: ConfigError.self) {
            try EdgeConfig.load(toml: nil, environment: ["CORTENSOR_EDGE_CHAINS_SERVICE_ENDPOINT": "http://a"])
        }
        #expect(
            error?.description
                == "config: CORTENSOR_EDGE_CHAINS_SERVICE_ENDPOINT: unknown environment variable "
                + "(did you mean CORTENSOR_EDGE_CHAINS_SERVICE_ENDPOINTS?)")
    }
}
