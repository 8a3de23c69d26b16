/// A command-line usage error; `description` is one line, `CommandTable.usage(for:)` gives the hint.
public enum CommandLineError: Error, Sendable, Hashable, CustomStringConvertible {
    /// No command was given, or a group (e.g. `keys`) without its subcommand.
    case missingCommand(path: [String])
    /// A word that names no command at this point.
    case unknownCommand(name: String, path: [String])
    /// An option that this command does not accept.
    case unknownOption(name: String, path: [String])
    /// An option that needs a value was given none.
    case missingValue(option: String, path: [String])
    /// A flag was given a value (`--dev=yes`).
    case unexpectedValue(option: String, path: [String])
    /// A single-valued option or flag was given twice.
    case repeatedOption(option: String, path: [String])
    /// A positional argument the command does not take.
    case unexpectedArgument(argument: String, path: [String])
    /// A required positional argument is missing.
    case missingArgument(name: String, path: [String])
    /// An option's value has the wrong form (e.g. `--port abc`).
    case invalidValue(option: String, value: String, expected: String, path: [String])
    /// A positional argument has the wrong form (e.g. a CID that does not parse).
    case invalidArgument(name: String, value: String, problem: String, path: [String])

    /// The command the error belongs to (for the usage hint).
    public var path: [String] {
        switch self {
        case .missingCommand(let path), .unknownCommand(_, let path), .unknownOption(_, let path),
            .missingValue(_, let path), .unexpectedValue(_, let path), .repeatedOption(_, let path),
            .unexpectedArgument(_, let path), .missingArgument(_, let path), .invalidValue(_, _, _, let path),
            .invalidArgument(_, _, _, let path):
            path
        }
    }

    /// One line naming the problem.
    public var description: String {
        let scope = path.isEmpty ? "" : " for '\(path.joined(separator: " "))'"
        return switch self {
        case .missingCommand(let path):
            path.isEmpty ? "missing command" : "'\(path.joined(separator: " "))' needs a subcommand"
        case .unknownCommand(let name, _): "unknown command '\(name)'\(scope)"
        case .unknownOption(let name, _): "unknown option '\(name)'\(scope)"
        case .missingValue(let option, _): "option '--\(option)' needs a value"
        case .unexpectedValue(let option, _): "option '--\(option)' does not take a value"
        case .repeatedOption(let option, _): "option '--\(option)' given more than once"
        case .unexpectedArgument(let argument, _): "unexpected argument '\(argument)'\(scope)"
        case .missingArgument(let name, _): "missing argument \(name)\(scope)"
        case .invalidValue(let option, let value, let expected, _):
            "option '--\(option)': '\(value)' is not \(expected)"
        case .invalidArgument(let name, let value, let problem, _): "\(name) '\(value)': \(problem)"
        }
    }
}
