import Testing

@testable import EdgeCommands

@Suite struct HelpTextTests {
    let table = CommandTable.edge

    @Test func everyCommandsHelpListsItsOptionsAndGlobalOptions() {
        for command in table.commands {
            let help = table.helpText(for: command.path)
            #expect(help.hasPrefix("cortensor-edge \(command.path.joined(separator: " ")) - \(command.summary)\n"))
            #expect(help.contains(table.usage(for: command.path)))
            for option in command.options + table.globalOptions {
                let row = "--\(option.name)" + (option.valueName.map { " \($0)" } ?? "")
                #expect(help.contains(row), "\(command.path): \(row)")
                #expect(help.contains(option.help), "\(command.path): \(option.help)")
            }
            for argument in command.arguments {
                #expect(help.contains(argument.name) && help.contains(argument.help))
            }
            #expect(help.contains("-h, --help"))
        }
    }

    @Test func groupsAndTopLevelListCommands() {
        let keys = table.helpText(for: ["keys"])
        for name in ["new", "list", "revoke"] { #expect(keys.contains("  \(name) ")) }
        #expect(keys.contains("usage: cortensor-edge keys <command> [options]"))
        let top = table.helpText(for: [])
        for command in table.commands where !table.isGroup(command.path) {
            #expect(top.contains("  \(command.path.joined(separator: " ")) "), "\(command.path)")
        }
        #expect(top.contains("CORTENSOR_EDGE_"))
    }

    @Test func usageLines() {
        #expect(table.usage(for: ["keys", "revoke"]) == "usage: cortensor-edge keys revoke [options] PREFIX")
        #expect(table.usage(for: ["help"]) == "usage: cortensor-edge help [options] [COMMAND...]")
        #expect(table.usage(for: []) == "usage: cortensor-edge <command> [options]")
        #expect(
            table.hint(for: ["serve"])
                == "usage: cortensor-edge serve [options]\nRun 'cortensor-edge serve --help' for more information.")
    }

    @Test func serveHelpMarksRepeatableOptions() {
        #expect(table.helpText(for: ["serve"]).contains("--miner URL"))
        #expect(table.helpText(for: ["serve"]).contains("(repeatable)"))
    }
}
