import Cache
import Gateway
import Synchronization
import Testing
import Upstream

@testable import EdgeCommands

/// Captures output and handler calls of one `EdgeCommands.main` run.
final class Recorder: Sendable {
    let stdout = Mutex("")
    let stderr = Mutex("")
    let calls = Mutex<[String]>([])
    let configs = Mutex<[EdgeConfig]>([])
    let ipfsCommands = Mutex<[IPFSCommand]>([])

    var output: CommandOutput {
        CommandOutput(
            standardOutput: { text in self.stdout.withLock { $0 += text } },
            standardError: { text in self.stderr.withLock { $0 += text } })
    }

    var handlers: CommandHandlers {
        CommandHandlers(
            version: "1.2.3",
            serve: { config in self.record("serve", config, exit: 0) },
            keysNew: { config, name in self.record("keys new \(name ?? "-")", config, exit: 0) },
            keysList: { config in self.record("keys list", config, exit: 0) },
            keysRevoke: { config, prefix in self.record("keys revoke \(prefix)", config, exit: 3) },
            ipfs: { config, command in
                self.ipfsCommands.withLock { $0.append(command) }
                return self.record("ipfs", config, exit: 0)
            })
    }

    private func record(_ call: String, _ config: EdgeConfig, exit: Int32) -> Int32 {
        calls.withLock { $0.append(call) }
        configs.withLock { $0.append(config) }
        return exit
    }

    func run(_ arguments: [String], environment: [String: String] = [:]) async -> Int32 {
        await EdgeCommands(handlers: handlers, output: output).main(arguments: arguments, environment: environment)
    }
}

@Suite struct EdgeCommandsMainTests {
    @Test func helpAndVersion() async {
        let recorder = Recorder()
        #expect(await recorder.run(["--help"]) == 0)
        #expect(recorder.stdout.withLock { $0 } == CommandTable.edge.helpText(for: []))
        let help = Recorder()
        #expect(await help.run(["help", "keys", "revoke"]) == 0)
        #expect(help.stdout.withLock { $0 } == CommandTable.edge.helpText(for: ["keys", "revoke"]))
        let serveHelp = Recorder()
        #expect(await serveHelp.run(["serve", "-h"]) == 0)
        #expect(serveHelp.calls.withLock { $0 }.isEmpty)
        let version = Recorder()
        #expect(await version.run(["version"]) == 0)
        #expect(version.stdout.withLock { $0 } == "cortensor-edge 1.2.3\n")
    }

    @Test func usageErrorsExitTwoWithHint() async {
        let recorder = Recorder()
        #expect(await recorder.run(["serve", "--prot", "1"]) == 2)
        #expect(
            recorder.stderr.withLock { $0 }
                == "cortensor-edge: unknown option '--prot' for 'serve'\nusage: cortensor-edge serve [options]\n"
                + "Run 'cortensor-edge serve --help' for more information.\n")
        #expect(recorder.stdout.withLock { $0 }.isEmpty && recorder.calls.withLock { $0 }.isEmpty)
        let noCommand = Recorder()
        #expect(await noCommand.run([]) == 2)
        #expect(noCommand.stderr.withLock { $0 }.hasPrefix("cortensor-edge: missing command\n"))
        let badHelp = Recorder()
        #expect(await badHelp.run(["help", "launch"]) == 2)
        let badPort = Recorder()
        #expect(await badPort.run(["serve", "--port", "x"]) == 2)
        #expect(badPort.stderr.withLock { $0 }.hasPrefix("cortensor-edge: option '--port': 'x' is not a port number\n"))
    }

    @Test func dispatchesWithEffectiveConfig() async throws {
        let directory = try TemporaryDirectory()
        let path = try directory.file("c.toml", "[server]\nport = 6000\n[auth]\nrate_limit_burst = 5\n")
        let recorder = Recorder()
        let environment = ["CORTENSOR_EDGE_SERVER_PORT": "6500", "CORTENSOR_EDGE_SERVER_HOST": "10.1.1.1"]
        #expect(
            await recorder.run(
                ["serve", "--config", path, "--port", "7000", "--miner", "http://m:1"], environment: environment) == 0)
        #expect(recorder.calls.withLock { $0 } == ["serve"])
        let config = try #require(recorder.configs.withLock { $0.first })
        #expect(config.server.port == 7000 && config.server.host == "10.1.1.1" && config.auth.rateLimitBurst == 5)
        #expect(config.miners == [MinerConfig(id: "miner-1", url: "http://m:1")])

        let keys = Recorder()
        #expect(await keys.run(["keys", "new", "--name", "ci"]) == 0)
        #expect(await keys.run(["keys", "list"]) == 0)
        #expect(await keys.run(["keys", "revoke", "ab12"]) == 3)
        #expect(keys.calls.withLock { $0 } == ["keys new ci", "keys list", "keys revoke ab12"])
    }

    @Test func badConfigExitsTwoWithoutRunningTheCommand() async throws {
        let directory = try TemporaryDirectory()
        let path = try directory.file("c.toml", "[server]\nport = 99999\n")
        let recorder = Recorder()
        #expect(await recorder.run(["serve", "--config", path]) == 2)
        #expect(recorder.stderr.withLock { $0 } == "config: server.port: 99999 is out of range 0...65535\n")
        #expect(recorder.calls.withLock { $0 }.isEmpty)
        let environment = Recorder()
        #expect(await environment.run(["keys", "list"], environment: ["CORTENSOR_EDGE_NOPE": "1"]) == 2)
        #expect(environment.stderr.withLock { $0 } == "config: CORTENSOR_EDGE_NOPE: unknown environment variable\n")
    }

    @Test func configCheckCommand() async throws {
        let directory = try TemporaryDirectory()
        let good = Recorder()
        #expect(await good.run(["config", "check"]) == 0)
        #expect(good.stdout.withLock { $0 }.contains("port = 5010"))
        let bad = Recorder()
        let path = try directory.file("c.toml", "[server]\nprot = 1\n")
        #expect(await bad.run(["config", "check", "--config", path]) == 2)
        #expect(bad.stderr.withLock { $0 } == "config: server.prot: unknown key (did you mean server.port?)\n")
        #expect(bad.stdout.withLock { $0 }.isEmpty)
    }
}

@Suite struct IPFSCommandParsingTests {
    @Test func parsesEachCommand() async throws {
        let cid = "bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e"
        let parsed = try CID(cid)
        let cases: [([String], IPFSCommand)] = [
            (["ipfs", "add", "a", "-"], .add(paths: ["a", "-"], options: .kuboV1, pin: true, quiet: false)),
            (
                ["ipfs", "add", "--profile", "legacy", "--no-pin", "--quiet", "a"],
                .add(paths: ["a"], options: .kuboLegacy, pin: false, quiet: true)
            ),
            (
                ["ipfs", "add", "--profile", "unixfs-v1-2025", "a"],
                .add(paths: ["a"], options: .unixfsV1_2025, pin: true, quiet: false)
            ),
            (["ipfs", "cat", cid], .cat(parsed, offset: 0, length: nil)),
            (["ipfs", "cat", "--offset", "5", "--length", "7", cid], .cat(parsed, offset: 5, length: 7)),
            (["ipfs", "get", "--output", "f", cid], .get(parsed, output: "f")),
            (["ipfs", "pin", "add", cid], .pinAdd(parsed, recursive: true)),
            (["ipfs", "pin", "add", "--direct", cid], .pinAdd(parsed, recursive: false)),
            (["ipfs", "pin", "rm", cid], .pinRemove(parsed)),
            (["ipfs", "pin", "ls"], .pinList),
            (["ipfs", "gc"], .collectGarbage),
            (["ipfs", "stats"], .stats),
        ]
        for (arguments, expected) in cases {
            let recorder = Recorder()
            #expect(await recorder.run(arguments) == 0, "\(arguments)")
            #expect(recorder.ipfsCommands.withLock { $0 } == [expected], "\(arguments)")
        }
    }

    @Test func badArgumentsAreUsageErrors() async {
        let bad: [[String]] = [
            ["ipfs", "cat", "not-a-cid"], ["ipfs", "cat"], ["ipfs", "add"], ["ipfs", "add", "--profile", "fast", "a"],
            ["ipfs", "cat", "--offset", "-1", "bafkqaaa"], ["ipfs", "pin"], ["ipfs", "pin", "rm", "Qm123"],
        ]
        for arguments in bad {
            let recorder = Recorder()
            #expect(await recorder.run(arguments) == 2, "\(arguments)")
            #expect(recorder.calls.withLock { $0 }.isEmpty)
            #expect(recorder.stderr.withLock { $0 }.hasPrefix("cortensor-edge: "))
        }
    }
}
