import Testing

@testable import EdgeCommands

@Suite struct CommandLineParserTests {
    let parser = CommandLineParser()

    @Test(arguments: [
        (["serve"], ["serve"]), (["config", "check"], ["config", "check"]), (["keys", "new"], ["keys", "new"]),
        (["keys", "list"], ["keys", "list"]), (["keys", "revoke", "ab12"], ["keys", "revoke"]),
        (["version"], ["version"]), (["help"], ["help"]), (["help", "keys", "new"], ["help"]),
    ])
    func everyCommand(arguments: [String], path: [String]) throws {
        let parsed = try parser.parse(arguments)
        #expect(parsed.path == path)
        #expect(!parsed.helpRequested)
    }

    @Test func serveOptions() throws {
        let parsed = try parser.parse([
            "serve", "--port", "8080", "--host=0.0.0.0", "--miner", "http://a:1", "--miner=http://b:2", "--dev",
            "--state-dir", "/srv/edge", "--config", "/etc/edge.toml",
        ])
        #expect(
            parsed
                == ParsedCommand(
                    path: ["serve"],
                    options: [
                        "port": ["8080"], "host": ["0.0.0.0"], "miner": ["http://a:1", "http://b:2"],
                        "state-dir": ["/srv/edge"], "config": ["/etc/edge.toml"],
                    ],
                    flags: ["dev"]))
        #expect(parsed.value("port") == "8080")
        #expect(parsed.values("miner") == ["http://a:1", "http://b:2"])
        #expect(parsed.flag("dev") && !parsed.flag("other"))
    }

    @Test func globalOptionBeforeCommandAndEmptyEqualsValue() throws {
        let parsed = try parser.parse(["--config", "/c.toml", "config", "check"])
        #expect(parsed.path == ["config", "check"] && parsed.value("config") == "/c.toml")
        #expect(try parser.parse(["serve", "--host="]).value("host") == "")
        #expect(try parser.parse(["serve", "--host", "-"]).value("host") == "-")
    }

    @Test func positionalsAndEndOfOptions() throws {
        #expect(try parser.parse(["keys", "revoke", "ab12"]).arguments == ["ab12"])
        #expect(try parser.parse(["keys", "revoke", "--", "--odd"]).arguments == ["--odd"])
        #expect(try parser.parse(["keys", "--", "revoke", "-h"]).arguments == ["-h"])
        #expect(try parser.parse(["help", "keys", "new"]).arguments == ["keys", "new"])
        #expect(try parser.parse(["keys", "new", "--name", "ci bot"]).value("name") == "ci bot")
    }

    @Test func helpOnEveryCommand() throws {
        for command in CommandTable.edge.commands {
            for flag in ["--help", "-h"] {
                let parsed = try parser.parse(command.path + [flag])
                #expect(parsed.helpRequested && parsed.path == command.path, "\(command.path) \(flag)")
            }
        }
        let top = try parser.parse(["--help"])
        #expect(top.helpRequested && top.path.isEmpty)
        // Help wins over missing arguments and bad words after it.
        #expect(try parser.parse(["keys", "revoke", "--help"]).helpRequested)
        #expect(try parser.parse(["-h", "nonsense"]).helpRequested)
    }

    @Test(arguments: [
        ([], CommandLineError.missingCommand(path: [])),
        (["keys"], .missingCommand(path: ["keys"])),
        (["config"], .missingCommand(path: ["config"])),
        (["launch"], .unknownCommand(name: "launch", path: [])),
        (["keys", "delete"], .unknownCommand(name: "delete", path: ["keys"])),
        (["serve", "--prot", "1"], .unknownOption(name: "--prot", path: ["serve"])),
        (["serve", "-p", "1"], .unknownOption(name: "-p", path: ["serve"])),
        (["--port", "1", "serve"], .unknownOption(name: "--port", path: [])),
        (["keys", "list", "--name", "x"], .unknownOption(name: "--name", path: ["keys", "list"])),
        (["serve", "--port"], .missingValue(option: "port", path: ["serve"])),
        (["serve", "--port", "--dev"], .missingValue(option: "port", path: ["serve"])),
        (["--config"], .missingValue(option: "config", path: [])),
        (["serve", "--dev=yes"], .unexpectedValue(option: "dev", path: ["serve"])),
        (["serve", "--port", "1", "--port=2"], .repeatedOption(option: "port", path: ["serve"])),
        (["serve", "--dev", "--dev"], .repeatedOption(option: "dev", path: ["serve"])),
        (["serve", "extra"], .unexpectedArgument(argument: "extra", path: ["serve"])),
        (["keys", "revoke", "a", "b"], .unexpectedArgument(argument: "b", path: ["keys", "revoke"])),
        (["keys", "revoke"], .missingArgument(name: "PREFIX", path: ["keys", "revoke"])),
        (["version", "--", "x"], .unexpectedArgument(argument: "x", path: ["version"])),
    ])
    func rejects(arguments: [String], expected: CommandLineError) {
        #expect(throws: expected) { try parser.parse(arguments) }
    }

    @Test func errorMessagesAreOneLine() {
        let messages = [
            (CommandLineError.unknownOption(name: "--prot", path: ["serve"]), "unknown option '--prot' for 'serve'"),
            (.missingValue(option: "port", path: ["serve"]), "option '--port' needs a value"),
            (.missingCommand(path: ["keys"]), "'keys' needs a subcommand"),
            (.missingCommand(path: []), "missing command"),
            (.unknownCommand(name: "launch", path: []), "unknown command 'launch'"),
            (.missingArgument(name: "PREFIX", path: ["keys", "revoke"]), "missing argument PREFIX for 'keys revoke'"),
            (
                .invalidValue(option: "port", value: "x", expected: "a port number", path: ["serve"]),
                "option '--port': 'x' is not a port number"
            ),
        ]
        for (error, message) in messages {
            #expect(error.description == message)
        }
    }
}
