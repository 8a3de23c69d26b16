import TOML

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
                    lines.append("\(setting.key) = \(TOMLSyntax.rendered(value))")
                } else {
                    lines.append("# \(setting.key) is not set")
                }
            }
        }
        for miner in miners {
            lines += ["", "[[miners]]", "id = \(TOMLSyntax.quoted(miner.id))", "url = \(TOMLSyntax.quoted(miner.url))"]
            lines.append("models = \(TOMLSyntax.rendered(.array(miner.models.map(TOMLValue.string))))")
            lines.append("weight = \(TOMLSyntax.rendered(.float(miner.weight)))")
            if let key = miner.apiKey {
                lines.append("api_key = \(TOMLSyntax.quoted(maskingSecrets ? Self.maskedSecret : key))")
            }
        }
        for session in sessions {
            lines += ["", "[[sessions]]", "id = \(session.id)", "name = \(TOMLSyntax.quoted(session.name))"]
            lines.append("model = \(TOMLSyntax.quoted(session.model))")
            lines.append("miners = \(TOMLSyntax.rendered(.array(session.miners.map(TOMLValue.string))))")
            lines.append("redundancy = \(session.redundancy)")
            lines.append("timeout_seconds = \(session.timeoutSeconds)")
            if let chain = session.chain {
                lines.append("chain = \(TOMLSyntax.quoted(chain.layer.rawValue))")
                lines.append("chain_session_id = \(chain.sessionID)")
            }
        }
        lines += describeChains()
        return lines.joined(separator: "\n") + "\n"
    }
}
