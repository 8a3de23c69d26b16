import Gateway

/// A roff man page (section 1) generated from the command table, for packaging.
extension CommandTable {
    /// The man page text; `version` and `date` go in the header line.
    public func manPage(version: String, date: String) -> String {
        let name = programName.uppercased()
        var lines = [
            ".TH \(Self.escaped(name)) 1 \"\(Self.escaped(date))\" \"\(Self.escaped(programName)) \(Self.escaped(version))\"",
            ".SH NAME", "\(Self.escaped(programName)) \\- \(Self.escaped(summary))",
            ".SH SYNOPSIS", ".B \(Self.escaped(programName))", ".I command", "[\\fIoptions\\fR]",
            ".SH COMMANDS",
        ]
        for command in commands where !isGroup(command.path) {
            let arguments = command.arguments.map { $0.isOptional ? "[\($0.name)...]" : $0.name }
            lines += [".TP", ".B \(Self.escaped((command.path + arguments).joined(separator: " ")))"]
            lines.append(Self.escaped(command.summary))
            for option in command.options {
                lines += manOption(option)
            }
        }
        lines.append(".SH GLOBAL OPTIONS")
        for option in globalOptions { lines += manOption(option) }
        lines += [".TP", ".B \\-h, \\-\\-help", "Show help for the program or a command."]
        lines += [
            ".SH ENVIRONMENT",
            "Settings are read from built-in defaults, then the configuration file, then these variables,",
            "then command-line flags.",
        ]
        for variable in EdgeConfig.environmentNames { lines += [".TP", ".B \(Self.escaped(variable))"] }
        lines += [
            ".SH FILES", ".TP", ".I /etc/cortensor\\-edge/config.toml",
            "Packaged configuration file; every setting is listed there, commented out, with its default.",
            ".SH EXIT STATUS", "0 on success, 2 for usage errors and invalid configuration, 1 for other failures.",
        ]
        return lines.joined(separator: "\n") + "\n"
    }

    private func manOption(_ option: OptionSpec) -> [String] {
        let value = option.valueName.map { " \\fI\(Self.escaped($0))\\fR" } ?? ""
        let repeatable = option.isRepeatable ? " May be repeated." : ""
        return [".TP", ".B \\-\\-\(Self.escaped(option.name))\(value)", Self.escaped(option.help) + repeatable]
    }

    /// Escapes backslashes and hyphens, and protects a leading dot or quote from being read as a request.
    static func escaped(_ text: String) -> String {
        var body = ""
        for character in text {
            switch character {
            case "\\": body += "\\e"
            case "-": body += "\\-"
            default: body.append(character)
            }
        }
        return body.hasPrefix(".") || body.hasPrefix("'") ? "\\&" + body : body
    }
}
