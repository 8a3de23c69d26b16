import Testing

@testable import Log

struct LogLineTests {
    @Test func formatsLikeTheStreamHandlerItReplaces() {
        let line = LogLine(
            timestamp: "2026-11-29T01:02:03+0000", level: .info, label: "cortensor-edge",
            metadata: ["remote": "127.0.0.1:5000", "ms": "3", "request_id": "r1"], source: "Gateway",
            message: "GET /readyz 200")
        #expect(
            line.text
                == "2026-11-29T01:02:03+0000 info cortensor-edge: ms=3 remote=127.0.0.1:5000 request_id=r1 [Gateway] "
                + "GET /readyz 200\n")
    }

    @Test func withoutMetadataOrLabel() {
        let line = LogLine(
            timestamp: "T", level: .warning, label: "", metadata: [:], source: "EdgeCommands", message: "dev mode")
        #expect(line.text == "T warning: [EdgeCommands] dev mode\n")
    }

    @Test(arguments: [
        ("Gateway/App/EdgeApp.swift", "Gateway"), ("EdgeCommands/Handlers.swift", "EdgeCommands"),
        ("main.swift", "n/a"),
    ])
    func sourceIsTheModuleOfTheFileID(fileID: String, module: String) {
        #expect(LogLine.module(ofFileID: fileID) == module)
    }

    @Test func levelsAreOrderedAndNamedAsInTheConfig() {
        #expect(
            Logger.Level.allCases.map(\.rawValue) == [
                "trace", "debug", "info", "notice", "warning", "error", "critical",
            ])
        #expect(Logger.Level.allCases == Logger.Level.allCases.sorted())
        #expect(Logger.Level.debug < .info && !(Logger.Level.error < .warning))
    }

    @Test func eventsBelowTheLevelAreNotBuilt() {
        let logger = Logger(label: "test", logLevel: .error)
        var built = false
        logger.info(
            {
                built = true; return "skipped"
            }(),
            metadata: {
                built = true; return ["k": "v"]
            }())
        #expect(!built)
    }

    @Test func timestampIsLocalISO8601WithOffset() {
        let stamp = StandardErrorLog.timestamp()
        // 2026-11-29T01:02:03+0000
        let bytes = Array(stamp.utf8)
        #expect(bytes.count == 24)
        #expect(bytes[4] == UInt8(ascii: "-") && bytes[10] == UInt8(ascii: "T") && bytes[13] == UInt8(ascii: ":"))
        #expect(bytes[19] == UInt8(ascii: "+") || bytes[19] == UInt8(ascii: "-"))
    }
}
