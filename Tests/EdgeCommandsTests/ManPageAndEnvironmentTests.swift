import Foundation
import Gateway
import Synchronization
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

@Suite struct CalendarDateTests {
    /// Expected values from Python's `datetime.fromtimestamp(t, timezone.utc)`.
    @Test(arguments: [
        (Int64(0), "1970-01-01"), (-1, "1969-12-31"), (951_782_400, "2000-02-29"), (4_102_444_800, "2100-01-01"),
        (1_796_256_000, "2026-12-03"), (253_402_300_799, "9999-12-31"),
    ])
    func utcDate(seconds: Int64, expected: String) {
        #expect(CalendarDate(unixSeconds: seconds).description == expected)
    }

    @Test func manCommandUsesSourceDateEpoch() async {
        let recorder = Recorder()
        #expect(await recorder.run(["help", "--man"], environment: ["SOURCE_DATE_EPOCH": "951782400"]) == 0)
        #expect(
            recorder.stdout.withLock { $0 }.hasPrefix(
                ".TH CORTENSOR\\-EDGE 1 \"2000\\-02\\-29\" \"cortensor\\-edge 1.2.3\""))
        #expect(recorder.calls.withLock { $0 }.isEmpty)
    }
}

@Suite struct BashCompletionTests {
    @Test func everyCommandAndOptionIsOffered() {
        let script = CommandTable.edge.bashCompletion()
        #expect(script.hasSuffix("complete -F _cortensor_edge cortensor-edge\n"))
        for command in CommandTable.edge.commands {
            let line = script.split(separator: "\n").first {
                $0.hasPrefix("        \"\(command.path.joined(separator: " "))\")")
            }
            #expect(line != nil, "\(command.path)")
            for option in command.options + CommandTable.edge.globalOptions {
                #expect(line?.contains("--\(option.name)") == true, "\(command.path) --\(option.name)")
            }
            for sub in CommandTable.edge.subcommands(of: command.path) {
                #expect(
                    line?.contains(" \(sub.path.last ?? "")") == true
                        || line?.contains("\"\(sub.path.last ?? "")") == true)
            }
        }
    }

    @Test func helpFlagPrintsIt() async {
        let recorder = Recorder()
        #expect(await recorder.run(["help", "--bash-completion"]) == 0)
        #expect(recorder.stdout.withLock { $0 } == CommandTable.edge.bashCompletion())
    }
}
