public import Gateway
import Upstream

extension EdgeCommands {
    /// Applies `serve` flags on top of file and environment (flags win), then validates.
    /// `--miner URL` (repeatable) replaces the miner list with `miner-1`…`miner-N`.
    /// Throws `CommandLineError.invalidValue` for a malformed flag value, `ConfigError` for an invalid result;
    /// on error `config` is left unchanged.
    public static func applyOverrides(_ parsed: ParsedCommand, to target: inout EdgeConfig) throws {
        var config = target
        if let port = parsed.value("port") {
            guard let number = Int(port), port.first != "+" else {
                throw CommandLineError.invalidValue(
                    option: "port", value: port, expected: "a port number", path: parsed.path)
            }
            config.server.port = number
        }
        if let host = parsed.value("host") { config.server.host = host }
        if let directory = parsed.value("state-dir") { config.stateDirectory = directory }
        if parsed.flag("dev") { config.auth.devMode = true }
        if parsed.flag("dev-allow-remote") { config.auth.devAllowRemote = true }
        let miners = parsed.values("miner")
        if !miners.isEmpty {
            config.miners = miners.enumerated().map { MinerConfig(id: "miner-\($0.offset + 1)", url: $0.element) }
        }
        try config.validate()
        target = config
    }
}
