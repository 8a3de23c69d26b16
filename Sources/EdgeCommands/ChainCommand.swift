public import LightClient

/// The `chain …` commands: read the configured chains and publish this router on a session.
public enum ChainCommand: Sendable, Hashable {
    /// `chain status`: per layer, each endpoint's chain id and head, and the verified confirmed header.
    case status
    /// `chain session SID`: a session as SessionV2 reports it.
    case session(id: UInt256)
    /// `chain task SID TID`: a task and its results as SessionQueueV2 reports them.
    case task(sessionID: UInt256, taskID: UInt256)
    /// `chain register SID`: publish this router's REST endpoint on a session (addRouter, or updateRouter).
    case register(sessionID: UInt256, update: Bool, passwordFile: String?)

    /// The chain command `parsed` names.
    static func parse(_ parsed: ParsedCommand) throws(CommandLineError) -> ChainCommand {
        switch parsed.path {
        case ["chain", "status"]:
            return .status
        case ["chain", "session"]:
            return .session(id: try number(parsed.arguments[0], name: "SID", path: parsed.path))
        case ["chain", "task"]:
            return .task(
                sessionID: try number(parsed.arguments[0], name: "SID", path: parsed.path),
                taskID: try number(parsed.arguments[1], name: "TID", path: parsed.path))
        default:
            return .register(
                sessionID: try number(parsed.arguments[0], name: "SID", path: parsed.path),
                update: parsed.flag("update"), passwordFile: parsed.value("password-file"))
        }
    }

    private static func number(_ text: String, name: String, path: [String]) throws(CommandLineError) -> UInt256 {
        guard let value = UInt256(decimal: text) else {
            throw .invalidArgument(name: name, value: text, problem: "is not a non-negative integer", path: path)
        }
        return value
    }
}
