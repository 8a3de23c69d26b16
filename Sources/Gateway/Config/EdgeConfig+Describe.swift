/// Rendering the effective configuration as TOML (what `config check` prints).
extension EdgeConfig {
    /// The placeholder printed instead of a secret.
    public static let maskedSecret = "***"

    /// The effective configuration as a TOML document that `load` accepts; with `maskingSecrets`,
    /// miner API keys are printed as `"***"`.
    public func describe(maskingSecrets: Bool = true) -> String {
        var lines: [String] = []
        for section in Self.scalarSections {
            if !lines.isEmpty { lines.append("") }
            lines.append("[\(section)]")
            for setting in Self.settings where setting.section == section {
                if let value = value(of: setting) {
                    lines.append("\(setting.key) = \(Self.rendered(value))")
                } else {
                    lines.append("# \(setting.key) is not set")
                }
            }
        }
        for miner in miners {
            lines += ["", "[[miners]]", "id = \(Self.quoted(miner.id))", "url = \(Self.quoted(miner.url))"]
            lines.append("models = \(Self.rendered(.array(miner.models.map(TOMLValue.string))))")
            lines.append("weight = \(Self.rendered(.float(miner.weight)))")
            if let key = miner.apiKey {
                lines.append("api_key = \(Self.quoted(maskingSecrets ? Self.maskedSecret : key))")
            }
        }
        for session in sessions {
            lines += ["", "[[sessions]]", "id = \(session.id)", "name = \(Self.quoted(session.name))"]
            lines.append("model = \(Self.quoted(session.model))")
            lines.append("miners = \(Self.rendered(.array(session.miners.map(TOMLValue.string))))")
            lines.append("redundancy = \(session.redundancy)")
            lines.append("timeout_seconds = \(session.timeoutSeconds)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A value in TOML syntax (inline form for arrays and tables).
    static func rendered(_ value: TOMLValue) -> String {
        switch value {
        case .string(let text): quoted(text)
        case .integer(let number): String(number)
        case .bool(let flag): String(flag)
        case .float(let number):
            if number.isNaN {
                "nan"
            } else if number.isInfinite {
                number < 0 ? "-inf" : "inf"
            } else {
                "\(number)"
            }
        case .array(let items): "[" + items.map(rendered).joined(separator: ", ") + "]"
        case .table(let table):
            "{ " + table.map { "\(quoted($0.key)) = \(rendered($0.value))" }.joined(separator: ", ") + " }"
        }
    }
}
