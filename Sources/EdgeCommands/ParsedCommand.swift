/// The result of parsing argv: which command, its options and its positional arguments.
public struct ParsedCommand: Sendable, Hashable {
    /// Words that selected the command, e.g. `["keys", "revoke"]`; empty only with `helpRequested`.
    public var path: [String]
    /// Values of options that take one, by long name without dashes, in command-line order.
    public var options: [String: [String]]
    /// Flags that were given, by long name without dashes.
    public var flags: Set<String>
    /// Positional arguments.
    public var arguments: [String]
    /// Whether `-h` or `--help` was given.
    public var helpRequested: Bool

    /// Creates a parsed command.
    public init(
        path: [String], options: [String: [String]] = [:], flags: Set<String> = [], arguments: [String] = [],
        helpRequested: Bool = false
    ) {
        self.path = path
        self.options = options
        self.flags = flags
        self.arguments = arguments
        self.helpRequested = helpRequested
    }

    /// The value of a single-valued option, if given.
    public func value(_ name: String) -> String? {
        options[name]?.last
    }

    /// Every value of a repeatable option, in order.
    public func values(_ name: String) -> [String] {
        options[name] ?? []
    }

    /// Whether a flag was given.
    public func flag(_ name: String) -> Bool {
        flags.contains(name)
    }
}
