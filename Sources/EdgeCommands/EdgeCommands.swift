import Cache
public import Gateway
import System

/// What `serve` and `keys *` do, supplied by the executable; each returns the process exit code.
public struct CommandHandlers: Sendable {
    /// Version string printed by `version`.
    public var version: String
    /// Runs the gateway with the effective configuration until shutdown.
    public var serve: @Sendable (EdgeConfig) async -> Int32
    /// Creates an API key with an optional name and prints it once.
    public var keysNew: @Sendable (EdgeConfig, _ name: String?) async -> Int32
    /// Lists API keys.
    public var keysList: @Sendable (EdgeConfig) async -> Int32
    /// Revokes the API key with the given prefix.
    public var keysRevoke: @Sendable (EdgeConfig, _ prefix: String) async -> Int32
    /// Runs an `ipfs …` or `car …` command on the state directory's block store.
    public var ipfs: @Sendable (EdgeConfig, IPFSCommand) async -> Int32

    /// Creates handlers.
    public init(
        version: String,
        serve: @escaping @Sendable (EdgeConfig) async -> Int32,
        keysNew: @escaping @Sendable (EdgeConfig, _ name: String?) async -> Int32,
        keysList: @escaping @Sendable (EdgeConfig) async -> Int32,
        keysRevoke: @escaping @Sendable (EdgeConfig, _ prefix: String) async -> Int32,
        ipfs: @escaping @Sendable (EdgeConfig, IPFSCommand) async -> Int32
    ) {
        self.version = version
        self.serve = serve
        self.keysNew = keysNew
        self.keysList = keysList
        self.keysRevoke = keysRevoke
        self.ipfs = ipfs
    }
}

/// The command-line front end: parses argv, prints help, version and errors, and dispatches.
public struct EdgeCommands: Sendable {
    /// Exit code of usage errors and bad configuration.
    public static let usageExitCode: Int32 = 2

    /// Command implementations supplied by the executable.
    public var handlers: CommandHandlers
    /// Where output goes.
    public var output: CommandOutput
    /// The accepted commands.
    public var table: CommandTable

    /// Creates the front end.
    public init(handlers: CommandHandlers, output: CommandOutput = .standard, table: CommandTable = .edge) {
        self.handlers = handlers
        self.output = output
        self.table = table
    }

    /// Runs one invocation; `arguments` excludes the program name. Returns the exit code.
    public func main(arguments: [String], environment: [String: String]) async -> Int32 {
        let parsed: ParsedCommand
        do {
            parsed = try CommandLineParser(table: table).parse(arguments)
        } catch {
            return usageError(error)
        }
        if parsed.helpRequested {
            output.standardOutput(table.helpText(for: parsed.path))
            return 0
        }
        switch parsed.path {
        case ["help"] where parsed.flag("man"):
            let date = CalendarDate(unixSeconds: Self.sourceDate(environment)).description
            output.standardOutput(table.manPage(version: handlers.version, date: date))
            return 0
        case ["help"] where parsed.flag("bash-completion"):
            output.standardOutput(table.bashCompletion())
            return 0
        case ["help"]:
            guard table.command(parsed.arguments) != nil || parsed.arguments.isEmpty else {
                return usageError(.unknownCommand(name: parsed.arguments.joined(separator: " "), path: []))
            }
            output.standardOutput(table.helpText(for: parsed.arguments))
            return 0
        case ["version"]:
            output.standardOutput("\(table.programName) \(handlers.version)\n")
            return 0
        case ["config", "default"]:
            output.standardOutput(EdgeConfig.commentedDefaultTOML)
            return 0
        case ["config", "check"]:
            let result = ConfigCheck.run(configPath: parsed.value("config"), environment: environment)
            (result.exitCode == 0 ? output.standardOutput : output.standardError)(result.output)
            return result.exitCode
        case let path where path.first == "model":
            do {
                return ModelRunner(output: output, programName: table.programName).run(try ModelCommand.parse(parsed))
            } catch {
                return usageError(error)
            }
        default:
            break
        }
        var ipfsCommand: IPFSCommand?
        if ["ipfs", "car", "cache"].contains(parsed.path.first ?? "") {
            do { ipfsCommand = try IPFSCommand.parse(parsed) } catch { return usageError(error) }
        }
        let config: EdgeConfig
        do {
            config = try Self.effectiveConfig(for: parsed, environment: environment)
        } catch let error as CommandLineError {
            return usageError(error)
        } catch {
            output.standardError("\(error)\n")
            return Self.usageExitCode
        }
        if let ipfsCommand { return await handlers.ipfs(config, ipfsCommand) }
        if parsed.path.first == "chain" {
            let command: ChainCommand
            do { command = try ChainCommand.parse(parsed) } catch { return usageError(error) }
            let runner = ChainRunner(
                config: config, environment: environment, output: output, programName: table.programName)
            return await runner.run(command)
        }
        if let keyCommand = NodeKeyCommand.parse(parsed) {
            let runner = NodeKeyRunner(
                config: config, environment: environment, output: output, programName: table.programName)
            return runner.run(keyCommand)
        }
        switch parsed.path {
        case ["serve"]: return await handlers.serve(config)
        case ["keys", "new"]: return await handlers.keysNew(config, parsed.value("name"))
        case ["keys", "list"]: return await handlers.keysList(config)
        case ["keys", "revoke"]: return await handlers.keysRevoke(config, parsed.arguments[0])
        default: return usageError(.unknownCommand(name: parsed.path.joined(separator: " "), path: []))
        }
    }

    /// Defaults, then the `--config` file, then the environment, then flags; validated.
    public static func effectiveConfig(for parsed: ParsedCommand, environment: [String: String]) throws -> EdgeConfig {
        let text = try parsed.value("config").map { path throws(ConfigError) in try ConfigFile.read(path) }
        var config = try EdgeConfig.load(toml: text, environment: environment)
        try applyOverrides(parsed, to: &config)
        return config
    }

    /// `SOURCE_DATE_EPOCH` (reproducible builds) when set and valid, else now.
    private static func sourceDate(_ environment: [String: String]) -> Int64 {
        environment["SOURCE_DATE_EPOCH"].flatMap { Int64($0) } ?? WallClock.unixSeconds()
    }

    private func usageError(_ error: CommandLineError) -> Int32 {
        output.standardError("\(table.programName): \(error)\n\(table.hint(for: error.path))\n")
        return Self.usageExitCode
    }
}
