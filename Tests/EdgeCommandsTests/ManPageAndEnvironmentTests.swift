import Foundation
import Gateway
import Testing

@testable import EdgeCommands

@Suite struct ManPageTests {
    @Test func listsEveryCommandOptionAndVariable() {
        let page = CommandTable.edge.manPage(version: "1.2.3", date: "2026-11-25")
        #expect(page.hasPrefix(".TH CORTENSOR\\-EDGE 1 \"2026\\-11\\-25\" \"cortensor\\-edge 1.2.3\"\n"))
        for command in CommandTable.edge.commands where !CommandTable.edge.isGroup(command.path) {
            #expect(page.contains(".B \(CommandTable.escaped(command.path.joined(separator: " ")))"), "\(command.path)")
            for option in command.options {
                #expect(page.contains(".B \\-\\-\(CommandTable.escaped(option.name))"), "\(option.name)")
            }
        }
        for variable in EdgeConfig.environmentNames {
            #expect(page.contains(CommandTable.escaped(variable)))
        }
        for line in page.split(separator: "\n") where !line.hasPrefix(".") {
            #expect(!line.hasPrefix("'"))
        }
    }

    @Test func escaping() {
        #expect(CommandTable.escaped("a-b\\c") == "a\\-b\\ec")
        #expect(CommandTable.escaped(".hidden") == "\\&.hidden")
    }
}

@Suite struct ProcessEnvironmentTests {
    @Test func matchesFoundation() {
        #expect(ProcessEnvironment.current() == ProcessInfo.processInfo.environment)
    }
}
