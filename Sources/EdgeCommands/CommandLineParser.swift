/// Parses argv (without the program name) against a `CommandTable`.
public struct CommandLineParser: Sendable {
    /// The commands and options accepted.
    public let table: CommandTable

    /// Creates a parser for `table`.
    public init(table: CommandTable = .edge) {
        self.table = table
    }

    /// Words select the command (`keys revoke`), `--name value` / `--name=value` set options, `-h`/`--help`
    /// asks for help anywhere, and after `--` every word is positional.
    public func parse(_ arguments: [String]) throws(CommandLineError) -> ParsedCommand {
        var result = ParsedCommand(path: [])
        var endOfOptions = false
        var index = 0
        while index < arguments.count {
            let word = arguments[index]
            index += 1
            if !endOfOptions {
                if word == "--" {
                    endOfOptions = true
                    continue
                }
                if word == "-h" || word == "--help" {
                    result.helpRequested = true
                    continue
                }
                if word.hasPrefix("--") {
                    try parseOption(word, arguments, &index, into: &result)
                    continue
                }
                if word.hasPrefix("-") && word != "-" {
                    throw .unknownOption(name: word, path: result.path)
                }
            }
            if table.isGroup(result.path) {
                let path = result.path + [word]
                guard table.command(path) != nil else {
                    if result.helpRequested { break }
                    throw .unknownCommand(name: word, path: result.path)
                }
                result.path = path
            } else {
                result.arguments.append(word)
            }
        }
        if result.helpRequested { return result }
        if table.isGroup(result.path) { throw .missingCommand(path: result.path) }
        try checkArguments(result)
        return result
    }

    private func parseOption(
        _ word: String, _ arguments: [String], _ index: inout Int, into result: inout ParsedCommand
    ) throws(CommandLineError) {
        let body = word.dropFirst(2)
        let name = String(body.prefix { $0 != "=" })
        let inlineValue = body.contains("=") ? String(body.drop { $0 != "=" }.dropFirst()) : nil
        let known = table.globalOptions + (table.command(result.path)?.options ?? [])
        guard let option = known.first(where: { $0.name == name }) else {
            throw .unknownOption(name: "--\(name)", path: result.path)
        }
        guard option.valueName != nil else {
            guard inlineValue == nil else { throw .unexpectedValue(option: name, path: result.path) }
            guard !result.flags.contains(name) else { throw .repeatedOption(option: name, path: result.path) }
            result.flags.insert(name)
            return
        }
        let value: String
        if let inlineValue {
            value = inlineValue
        } else {
            guard index < arguments.count, !arguments[index].hasPrefix("--") else {
                throw .missingValue(option: name, path: result.path)
            }
            value = arguments[index]
            index += 1
        }
        guard option.isRepeatable || result.options[name] == nil else {
            throw .repeatedOption(option: name, path: result.path)
        }
        result.options[name, default: []].append(value)
    }

    private func checkArguments(_ result: ParsedCommand) throws(CommandLineError) {
        let specs = table.command(result.path)?.arguments ?? []
        for (position, spec) in specs.enumerated() where !spec.isOptional && position >= result.arguments.count {
            throw .missingArgument(name: spec.name, path: result.path)
        }
        if specs.last?.isVariadic != true && result.arguments.count > specs.count {
            throw .unexpectedArgument(argument: result.arguments[specs.count], path: result.path)
        }
    }
}
