/// One `--name [VALUE]` option of a command.
public struct OptionSpec: Sendable, Hashable {
    /// Long name without the dashes, e.g. `port`.
    public var name: String
    /// Placeholder of the value in help, e.g. `N`; nil for a flag that takes no value.
    public var valueName: String?
    /// Whether the option may be given more than once (values are kept in order).
    public var isRepeatable: Bool
    /// One-line help text.
    public var help: String

    /// Creates an option; `valueName` nil makes it a flag.
    public init(_ name: String, valueName: String? = nil, repeatable: Bool = false, help: String) {
        self.name = name
        self.valueName = valueName
        self.isRepeatable = repeatable
        self.help = help
    }
}

/// A positional argument of a command.
public struct ArgumentSpec: Sendable, Hashable {
    /// Placeholder in help, e.g. `PREFIX`.
    public var name: String
    /// One-line help text.
    public var help: String
    /// Whether it may be left out.
    public var isOptional: Bool
    /// Whether it takes every remaining word.
    public var isVariadic: Bool

    /// Creates a positional argument.
    public init(_ name: String, help: String, optional: Bool = false, variadic: Bool = false) {
        self.name = name
        self.help = help
        self.isOptional = optional
        self.isVariadic = variadic
    }
}

/// A command or command group, e.g. `["keys", "revoke"]` or the group `["keys"]`.
public struct CommandSpec: Sendable, Hashable {
    /// Words that select the command.
    public var path: [String]
    /// One-line summary.
    public var summary: String
    /// Options besides the global ones.
    public var options: [OptionSpec]
    /// Positional arguments, in order.
    public var arguments: [ArgumentSpec]

    /// Creates a command entry.
    public init(_ path: [String], summary: String, options: [OptionSpec] = [], arguments: [ArgumentSpec] = []) {
        self.path = path
        self.summary = summary
        self.options = options
        self.arguments = arguments
    }
}

/// The command-line interface declared as data: parsing, help text and a man page all come from it.
public struct CommandTable: Sendable, Hashable {
    /// The executable's name in usage lines.
    public var programName: String
    /// One-line description of the program.
    public var summary: String
    /// Options accepted by every command (`--help` is implicit everywhere).
    public var globalOptions: [OptionSpec]
    /// Commands and command groups, in help order.
    public var commands: [CommandSpec]

    /// Creates a table.
    public init(programName: String, summary: String, globalOptions: [OptionSpec], commands: [CommandSpec]) {
        self.programName = programName
        self.summary = summary
        self.globalOptions = globalOptions
        self.commands = commands
    }

    /// The command or group at `path`.
    public func command(_ path: [String]) -> CommandSpec? {
        commands.first { $0.path == path }
    }

    /// Commands directly below `path` (the top-level commands for `[]`).
    public func subcommands(of path: [String]) -> [CommandSpec] {
        commands.filter { $0.path.count == path.count + 1 && Array($0.path.prefix(path.count)) == path }
    }

    /// Whether `path` names a group that needs a subcommand (or is the empty top level).
    public func isGroup(_ path: [String]) -> Bool {
        !subcommands(of: path).isEmpty
    }

    /// Where node-key commands read the keystore password.
    static let passwordFileOption = OptionSpec(
        "password-file", valueName: "PATH",
        help:
            "Keystore password: the file's first line (else node.password_file, CORTENSOR_EDGE_KEY_PASSWORD, a prompt)"
    )

    /// The cortensor-edge commands.
    public static let edge = CommandTable(
        programName: "cortensor-edge",
        summary: "Cortensor router for small Linux boxes: OpenAI and Cortensor APIs over a pool of miners",
        globalOptions: [
            OptionSpec("config", valueName: "PATH", help: "Configuration file (TOML); without it, built-in defaults")
        ],
        commands: [
            CommandSpec(
                ["serve"], summary: "Run the gateway until SIGINT or SIGTERM",
                options: [
                    OptionSpec("port", valueName: "N", help: "Port to listen on (server.port)"),
                    OptionSpec("host", valueName: "HOST", help: "Address to bind (server.host)"),
                    OptionSpec(
                        "miner", valueName: "URL", repeatable: true,
                        help: "Miner base URL; repeat for several (replaces [[miners]] with miner-1...N)"),
                    OptionSpec(
                        "dev", help: "Development mode: also accept the public default-dev-token key (auth.dev_mode)"),
                    OptionSpec(
                        "dev-allow-remote",
                        help: "Let --dev listen on a non-loopback host, open to all (auth.dev_allow_remote)"),
                    OptionSpec("state-dir", valueName: "PATH", help: "State directory (state.directory)"),
                ]),
            CommandSpec(["config"], summary: "Inspect the configuration"),
            CommandSpec(
                ["config", "check"], summary: "Validate the configuration and print it with secrets masked"),
            CommandSpec(
                ["config", "default"], summary: "Print a configuration file with every default, commented out"),
            CommandSpec(["keys"], summary: "Manage API keys and the node's signing key"),
            CommandSpec(
                ["keys", "new"], summary: "Create an API key and print it once (with --node: the node's signing key)",
                options: [
                    OptionSpec("name", valueName: "NAME", help: "Label stored with the API key"),
                    OptionSpec(
                        "node",
                        help: "Create the node's signing key instead: a keystore at node.keystore; prints its address"),
                    passwordFileOption,
                ]),
            CommandSpec(
                ["keys", "import"], summary: "Make a V3 keystore or a hex private key file the node's signing key",
                options: [passwordFileOption],
                arguments: [
                    ArgumentSpec("FILE", help: "A keystore (its password is asked) or a file holding one hex key")
                ]),
            CommandSpec(
                ["keys", "export"], summary: "Write the node keystore (encrypted) to standard output or a file",
                options: [OptionSpec("output", valueName: "PATH", help: "A new file (mode 0600) instead of stdout")]),
            CommandSpec(["keys", "address"], summary: "Print the node's address", options: [passwordFileOption]),
            CommandSpec(["keys", "list"], summary: "List API keys (prefix, name, creation time; never the key)"),
            CommandSpec(
                ["keys", "revoke"], summary: "Revoke the API key with the given prefix",
                arguments: [ArgumentSpec("PREFIX", help: "The key prefix shown by 'keys list'")]),
            CommandSpec(["chain"], summary: "The configured chains: status, sessions, tasks, router registration"),
            CommandSpec(
                ["chain", "status"],
                summary: "Per layer: each endpoint's chain id and head, and the verified confirmed header"),
            CommandSpec(
                ["chain", "session"], summary: "Show a session as SessionV2 reports it",
                arguments: [ArgumentSpec("SID", help: "The on-chain session id")]),
            CommandSpec(
                ["chain", "task"], summary: "Show a task and its committed results (SessionQueueV2)",
                arguments: [
                    ArgumentSpec("SID", help: "The on-chain session id"), ArgumentSpec("TID", help: "The task id"),
                ]),
            CommandSpec(
                ["chain", "register"],
                summary: "Publish this router's REST endpoint (node.public_url) on a session, signed by the node key",
                options: [
                    OptionSpec("update", help: "Replace this router's metadata (updateRouter) instead of adding it"),
                    passwordFileOption,
                ],
                arguments: [ArgumentSpec("SID", help: "The on-chain session id")]),
            CommandSpec(["ipfs"], summary: "IPFS blocks in the state directory: add, read, pin, collect"),
            CommandSpec(
                ["ipfs", "add"], summary: "Import files as UnixFS and pin them; prints 'added CID NAME' per file",
                options: [
                    OptionSpec(
                        "profile", valueName: "NAME",
                        help: "kubo-v1 (default: CIDv1, raw leaves, 256 KiB chunks, 174 links), unixfs-v1-2025 "
                            + "(1 MiB, 1024 links) or legacy (CIDv0, as kubo's plain 'ipfs add')"),
                    OptionSpec("no-pin", help: "Do not pin (garbage collection may remove the blocks)"),
                    OptionSpec("quiet", help: "Print only the CIDs"),
                ],
                arguments: [ArgumentSpec("FILE", help: "Files to import; - reads standard input", variadic: true)]),
            CommandSpec(
                ["ipfs", "cat"], summary: "Write a file's bytes to standard output",
                options: [
                    OptionSpec("offset", valueName: "N", help: "Start at byte N"),
                    OptionSpec("length", valueName: "N", help: "Write at most N bytes"),
                ],
                arguments: [ArgumentSpec("CID", help: "A UnixFS file or raw block")]),
            CommandSpec(
                ["ipfs", "get"], summary: "Save a file",
                options: [OptionSpec("output", valueName: "PATH", help: "Where to write it (default: ./CID)")],
                arguments: [ArgumentSpec("CID", help: "A UnixFS file or raw block")]),
            CommandSpec(["ipfs", "pin"], summary: "Keep blocks from garbage collection"),
            CommandSpec(
                ["ipfs", "pin", "add"], summary: "Pin a DAG (every block it links to must be stored)",
                options: [OptionSpec("direct", help: "Pin only this block")],
                arguments: [ArgumentSpec("CID", help: "The DAG's root")]),
            CommandSpec(
                ["ipfs", "pin", "rm"], summary: "Remove a pin", arguments: [ArgumentSpec("CID", help: "A pinned CID")]),
            CommandSpec(["ipfs", "pin", "ls"], summary: "List pins (CID, recursive or direct)"),
            CommandSpec(["ipfs", "gc"], summary: "Remove every unpinned block"),
            CommandSpec(["ipfs", "stats"], summary: "Blocks, bytes, pins and the quota"),
            CommandSpec(["car"], summary: "CAR v1 archives of IPFS blocks"),
            CommandSpec(
                ["car", "import"], summary: "Verify and store every block of CAR files, and pin their roots",
                arguments: [ArgumentSpec("FILE", help: "CAR files; - reads standard input", variadic: true)]),
            CommandSpec(
                ["car", "export"], summary: "Write a DAG as a CAR (depth-first, each block once)",
                options: [
                    OptionSpec("output", valueName: "PATH", help: "Where to write it (default: standard output)")
                ],
                arguments: [ArgumentSpec("CID", help: "The DAG's root")]),
            CommandSpec(["cache"], summary: "The completion cache"),
            CommandSpec(["cache", "stats"], summary: "Entries and bytes cached"),
            CommandSpec(["cache", "clear"], summary: "Remove every cached completion"),
            CommandSpec(["model"], summary: "Local GGUF models, the fallback when no miner can answer"),
            CommandSpec(
                ["model", "info"], summary: "Print a GGUF file's architecture, hyperparameters, tokenizer and tensors",
                options: [OptionSpec("tensors", help: "Also list every tensor (name, type, shape)")],
                arguments: [ArgumentSpec("FILE", help: "A .gguf model file")]),
            CommandSpec(
                ["model", "run"], summary: "Generate from a prompt, streaming the text; prints tokens/s to stderr",
                options: ModelCommand.generationOptions + [
                    OptionSpec("prompt", valueName: "TEXT", help: "The prompt (required)"),
                    OptionSpec("chat", help: "Send the prompt as a user message through the model's chat template"),
                    OptionSpec("system", valueName: "TEXT", help: "With --chat: a system message first"),
                    OptionSpec("print-token-ids", help: "Print the generated token ids instead of the text"),
                ],
                arguments: [ArgumentSpec("FILE", help: "A .gguf model file")]),
            CommandSpec(
                ["model", "bench"], summary: "Measure prompt and generation tokens/s (like llama-bench)",
                options: [
                    OptionSpec("threads", valueName: "N", help: "Threads (default: the CPUs online)"),
                    OptionSpec("prompt-tokens", valueName: "N", help: "Prompt length (default 128)"),
                    OptionSpec("generate", valueName: "N", help: "Tokens to generate (default 32)"),
                    OptionSpec("repetitions", valueName: "N", help: "Runs; the median is reported (default 3)"),
                ],
                arguments: [ArgumentSpec("FILE", help: "A .gguf model file")]),
            CommandSpec(["version"], summary: "Print the version"),
            CommandSpec(
                ["help"], summary: "Show help for a command",
                options: [
                    OptionSpec("man", help: "Print the whole manual page (roff) instead"),
                    OptionSpec("bash-completion", help: "Print a bash completion script instead"),
                ],
                arguments: [ArgumentSpec("COMMAND", help: "Command to describe", optional: true, variadic: true)]),
        ])
}
