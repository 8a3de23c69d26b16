public import Cache

/// An `ipfs …` or `car …` command, parsed and checked: what the live handler runs against the state directory.
public enum IPFSCommand: Sendable, Equatable {
    /// Import files (`-` = stdin) as UnixFS; pin each root unless `pin` is false.
    case add(paths: [String], options: UnixFSImporter.Options, pin: Bool, quiet: Bool)
    /// Write a file's bytes (from `offset`, at most `length`) to standard output.
    case cat(CID, offset: UInt64, length: UInt64?)
    /// Save a file to `output` (default: named after the CID).
    case get(CID, output: String?)
    /// Pin a DAG (or only its root block).
    case pinAdd(CID, recursive: Bool)
    /// Remove a pin.
    case pinRemove(CID)
    /// List pins.
    case pinList
    /// Remove every unpinned block.
    case collectGarbage
    /// Show counts, sizes and the quota.
    case stats
    /// Import CAR files (`-` = stdin): verify and store every block, pin the roots.
    case carImport(paths: [String])
    /// Write the DAG under a root as CAR v1 to `output` (default: standard output).
    case carExport(CID, output: String?)
    /// Completion cache entries, bytes and lookups.
    case cacheStats
    /// Empty the completion cache.
    case cacheClear

    /// The import profiles `ipfs add --profile` accepts.
    public static let profiles: [(name: String, options: UnixFSImporter.Options)] = [
        ("kubo-v1", .kuboV1), ("unixfs-v1-2025", .unixfsV1_2025), ("legacy", .kuboLegacy),
    ]

    /// The command for a parsed `ipfs …` command line.
    static func parse(_ parsed: ParsedCommand) throws(CommandLineError) -> IPFSCommand {
        switch parsed.path {
        case ["ipfs", "add"]:
            let name = parsed.value("profile") ?? "kubo-v1"
            guard let profile = profiles.first(where: { $0.name == name }) else {
                throw .invalidValue(
                    option: "profile", value: name, expected: "one of " + profiles.map(\.name).joined(separator: ", "),
                    path: parsed.path)
            }
            return .add(
                paths: parsed.arguments, options: profile.options, pin: !parsed.flag("no-pin"),
                quiet: parsed.flag("quiet"))
        case ["ipfs", "cat"]:
            return .cat(
                try cid(parsed), offset: try number(parsed, "offset") ?? 0, length: try number(parsed, "length"))
        case ["ipfs", "get"]:
            return .get(try cid(parsed), output: parsed.value("output"))
        case ["ipfs", "pin", "add"]:
            return .pinAdd(try cid(parsed), recursive: !parsed.flag("direct"))
        case ["ipfs", "pin", "rm"]:
            return .pinRemove(try cid(parsed))
        case ["ipfs", "pin", "ls"]:
            return .pinList
        case ["ipfs", "gc"]:
            return .collectGarbage
        case ["car", "import"]:
            return .carImport(paths: parsed.arguments)
        case ["car", "export"]:
            return .carExport(try cid(parsed), output: parsed.value("output"))
        case ["cache", "stats"]:
            return .cacheStats
        case ["cache", "clear"]:
            return .cacheClear
        default:
            return .stats
        }
    }

    private static func cid(_ parsed: ParsedCommand) throws(CommandLineError) -> CID {
        let text = parsed.arguments.first ?? ""
        do {
            return try CID(text)
        } catch {
            throw .invalidArgument(name: "CID", value: text, problem: "\(error)", path: parsed.path)
        }
    }

    private static func number(_ parsed: ParsedCommand, _ option: String) throws(CommandLineError) -> UInt64? {
        guard let text = parsed.value(option) else { return nil }
        guard let value = UInt64(text) else {
            throw .invalidValue(option: option, value: text, expected: "a number of bytes", path: parsed.path)
        }
        return value
    }
}
