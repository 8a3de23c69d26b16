import System
import TOML

/// `CORTENSOR_EDGE_*` environment overrides: one variable per scalar setting, plus `CORTENSOR_EDGE_MINERS`.
extension EdgeConfig {
    /// Prefix of every variable this configuration reads.
    public static let environmentPrefix = "CORTENSOR_EDGE_"

    /// Name of the variable that replaces the miner list with comma-separated URLs.
    public static let minersEnvironmentName = "CORTENSOR_EDGE_MINERS"

    /// Every variable name the configuration accepts, for help and documentation.
    public static var environmentNames: [String] {
        settings.map(\.environmentName) + [minersEnvironmentName] + chainEnvironmentNames + [keyPasswordEnvironmentName]
    }

    /// The node keystore's password, read by the commands that unlock the node key (never a setting: it is not
    /// printed by `config check` or stored anywhere).
    public static let keyPasswordEnvironmentName = "CORTENSOR_EDGE_KEY_PASSWORD"

    /// Applies `CORTENSOR_EDGE_*` variables; an unknown one is an error naming it.
    public mutating func applyEnvironment(_ environment: [String: String]) throws(ConfigError) {
        var chainVariables: [(name: String, text: String)] = []
        for name in environment.keys.sorted() where name.hasPrefix(Self.environmentPrefix) {
            let text = environment[name] ?? ""
            if name == Self.minersEnvironmentName {
                miners = Self.miners(fromURLList: text)
                continue
            }
            if name == Self.keyPasswordEnvironmentName { continue }
            if name.hasPrefix(Self.chainsEnvironmentPrefix) {
                chainVariables.append((name, text))
                continue
            }
            guard let setting = Self.settings.first(where: { $0.environmentName == name }) else {
                let suggestion = Spelling.suggestion(for: name, among: Self.environmentNames)
                throw .unknownEnvironmentVariable(name: TOMLSyntax.key(name), suggestion: suggestion)
            }
            if case .optionalString = setting.kind, text.isEmpty {
                clear(setting)
                continue
            }
            try set(setting, to: Self.value(parsing: text, as: setting.kind, name: name), name: name)
        }
        try applyChainVariables(chainVariables)
    }

    /// Miners `miner-1`…`miner-N` for comma-separated base URLs (blank entries are skipped).
    public static func miners(fromURLList list: String) -> [MinerConfig] {
        let urls = list.split(separator: ",").map(\.trimmingSpaces).filter { !$0.isEmpty }
        return urls.enumerated().map { MinerConfig(id: "miner-\($0.offset + 1)", url: $0.element) }
    }

    /// Converts a variable's text to the TOML value its setting expects.
    static func value(parsing text: String, as kind: SettingKind, name: String) throws(ConfigError) -> TOMLValue {
        switch kind {
        case .integer:
            guard let number = Int64(text.trimmingSpaces) else {
                throw .invalidValue(key: name, problem: "\(TOMLSyntax.quoted(text)) is not an integer")
            }
            return .integer(number)
        case .bool:
            switch text.trimmingSpaces.lowercased() {
            case "true", "1", "yes", "on": return .bool(true)
            case "false", "0", "no", "off": return .bool(false)
            default:
                throw .invalidValue(key: name, problem: "\(TOMLSyntax.quoted(text)) is not a boolean (true or false)")
            }
        case .string, .optionalString, .logLevel, .cachePolicy:
            return .string(text)
        case .urlList:
            return .array(text.split(separator: ",").map(\.trimmingSpaces).filter { !$0.isEmpty }.map(TOMLValue.string))
        }
    }

    private mutating func clear(_ setting: Setting) {
        switch setting.path {
        case "server.tls_cert": server.tlsCertificatePath = nil
        case "server.tls_key": server.tlsKeyPath = nil
        case "node.keystore": node.keystorePath = nil
        case "node.password_file": node.passwordFile = nil
        case "node.public_url": node.publicURL = nil
        default: preconditionFailure("optional setting \(setting.path) is not mapped")
        }
    }
}
