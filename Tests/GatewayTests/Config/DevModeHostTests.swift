import Testing

@testable import Gateway

/// Dev mode accepts a public key, so it listens on loopback unless the operator says `dev_allow_remote`.
@Suite struct DevModeHostTests {
    @Test(arguments: [
        "0.0.0.0", "::", "10.0.0.1", "192.168.1.20", "edge.lan", "127.0.0.1.example.com", "1270.0.0.1", "127.+1.0.1",
        "127.0.0.256",
    ])
    func devModeOnAReachableHostIsRefused(host: String) {
        let file = "[server]\nhost = \"\(host)\"\n[auth]\ndev_mode = true"
        #expect {
            try EdgeConfig.load(toml: file, environment: [:])
        } throws: { error in
            let text = "\(error)"
            return text.hasPrefix("config: server.host: \"\(host)\" is not a loopback address")
                && text.contains("--dev-allow-remote") && text.contains("auth.dev_allow_remote")
        }
        let allowed = try? EdgeConfig.load(toml: file + "\ndev_allow_remote = true", environment: [:])
        #expect(allowed?.auth.devAllowRemote == true && allowed?.server.host == host)
        // Without dev mode the host is the operator's choice.
        #expect((try? EdgeConfig.load(toml: "[server]\nhost = \"\(host)\"", environment: [:])) != nil)
    }

    @Test(arguments: ["127.0.0.1", "127.1.2.3", "localhost", "::1"])
    func devModeOnLoopbackIsAccepted(host: String) throws {
        let config = try EdgeConfig.load(
            toml: "[server]\nhost = \"\(host)\"\n[auth]\ndev_mode = true", environment: [:])
        #expect(config.auth.devMode && !config.auth.devAllowRemote)
    }

    @Test func theEnvironmentCanAllowItToo() throws {
        let environment = [
            "CORTENSOR_EDGE_SERVER_HOST": "0.0.0.0", "CORTENSOR_EDGE_AUTH_DEV_MODE": "true",
            "CORTENSOR_EDGE_AUTH_DEV_ALLOW_REMOTE": "true",
        ]
        #expect(try EdgeConfig.load(toml: nil, environment: environment).auth.devAllowRemote)
    }
}
