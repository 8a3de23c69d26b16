/// The `keys` commands that manage the node's signing key (the others manage API keys).
public enum NodeKeyCommand: Sendable, Hashable {
    /// `keys new --node`: create the key and its keystore.
    case create(passwordFile: String?)
    /// `keys import FILE`: take a V3 keystore or a hex private key as the node key.
    case importKey(file: String, passwordFile: String?)
    /// `keys export`: write the keystore (encrypted) to standard output or a file.
    case export(output: String?)
    /// `keys address`: print the node's address.
    case address(passwordFile: String?)

    /// The node-key command `parsed` names, or nil for an API-key command.
    static func parse(_ parsed: ParsedCommand) -> NodeKeyCommand? {
        let passwordFile = parsed.value("password-file")
        switch parsed.path {
        case ["keys", "new"] where parsed.flag("node"): return .create(passwordFile: passwordFile)
        case ["keys", "import"]: return .importKey(file: parsed.arguments[0], passwordFile: passwordFile)
        case ["keys", "export"]: return .export(output: parsed.value("output"))
        case ["keys", "address"]: return .address(passwordFile: passwordFile)
        default: return nil
        }
    }
}
