/// Help text generated from the command table.
extension CommandTable {
    /// `usage: cortensor-edge keys revoke [options] PREFIX`.
    public func usage(for path: [String]) -> String {
        var words = ["usage:", programName] + path
        if isGroup(path) { words.append("<command>") }
        words.append("[options]")
        for argument in command(path)?.arguments ?? [] {
            let name = argument.isVariadic ? "\(argument.name)..." : argument.name
            words.append(argument.isOptional ? "[\(name)]" : name)
        }
        return words.joined(separator: " ")
    }

    /// The full help of a command, group, or (for `[]`) the whole program.
    public func helpText(for path: [String]) -> String {
        let title = ([programName] + path).joined(separator: " ")
        var lines = ["\(title) - \(command(path)?.summary ?? summary)", "", usage(for: path)]
        if path.isEmpty {
            let leaves = commands.filter { !isGroup($0.path) }
            lines += section("Commands", leaves.map { ($0.path.joined(separator: " "), $0.summary) })
        } else if isGroup(path) {
            lines += section("Commands", subcommands(of: path).map { ($0.path.last ?? "", $0.summary) })
        }
        if let spec = command(path) {
            lines += section("Arguments", spec.arguments.map { ($0.name, $0.help) })
            lines += section("Options", spec.options.map(optionRow))
        }
        lines += section("Global options", globalOptions.map(optionRow) + [("-h, --help", "Show this help")])
        if path.isEmpty || path == ["serve"] || path == ["config", "check"] {
            lines += [
                "", "Settings come from built-in defaults, then the --config file, then CORTENSOR_EDGE_<SECTION>_<KEY>",
                "environment variables (e.g. CORTENSOR_EDGE_SERVER_PORT, CORTENSOR_EDGE_MINERS=url,url), then flags.",
            ]
        }
        if path.isEmpty { lines += ["", "Run '\(programName) <command> --help' for a command's options."] }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The line after an error: the usage of the command and where to find more.
    public func hint(for path: [String]) -> String {
        let command = ([programName] + path).joined(separator: " ")
        return "\(usage(for: path))\nRun '\(command) --help' for more information."
    }

    private func optionRow(_ option: OptionSpec) -> (String, String) {
        let value = option.valueName.map { " \($0)" } ?? ""
        return ("--\(option.name)\(value)", option.help + (option.isRepeatable ? " (repeatable)" : ""))
    }

    private func section(_ title: String, _ rows: [(String, String)]) -> [String] {
        guard !rows.isEmpty else { return [] }
        let width = rows.map(\.0.count).max() ?? 0
        return ["", "\(title):"]
            + rows.map { "  " + $0.0 + String(repeating: " ", count: width - $0.0.count + 3) + $0.1 }
    }
}
