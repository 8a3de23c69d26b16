import TOML

/// Building an `EdgeConfig` from TOML text and the environment.
extension EdgeConfig {
    /// Embedded defaults, overridden by `toml` (if any), then by `CORTENSOR_EDGE_*` variables in `environment`;
    /// the result is validated, then session 0 is added if missing.
    public static func load(toml: String?, environment: [String: String]) throws(ConfigError) -> EdgeConfig {
        var config = EdgeConfig()
        if let toml {
            let document: TOMLDocument
            do {
                document = try TOMLDocument(parsing: toml)
            } catch {
                throw .syntax(error)
            }
            try config.apply(document.root)
        }
        try config.applyEnvironment(environment)
        try config.validate()
        config.ensureDefaultSession()
        return config
    }

    /// Adds session 0 (every miner, default model) if no session has id 0. It goes last, so messages
    /// about `sessions[i]` keep indexing sessions as the file lists them.
    public mutating func ensureDefaultSession() {
        if !sessions.contains(where: { $0.id == 0 }) { sessions.append(Self.defaultSession) }
    }

    /// Applies the keys of a parsed file; unknown keys are errors.
    mutating func apply(_ root: TOMLTable) throws(ConfigError) {
        let topLevel = Self.scalarSections + ["miners", "sessions", "chains"]
        for (section, value) in root {
            switch section {
            case "miners":
                miners = try Self.tables(value, key: section).enumerated().map { (index, table) throws(ConfigError) in
                    try Self.miner(from: TableReader(table: table, path: "miners[\(index)]"), index: index)
                }
            case "sessions":
                sessions = try Self.tables(value, key: section).enumerated().map { (index, table) throws(ConfigError) in
                    try Self.session(from: TableReader(table: table, path: "sessions[\(index)]"))
                }
            case "chains":
                chains = try Self.chains(from: value)
            case _ where Self.scalarSections.contains(section):
                guard case .table(let table) = value else {
                    throw .wrongType(key: section, expected: "a table", found: value.typeDescription)
                }
                let known = Self.settings.filter { $0.section == section }
                for (key, item) in table {
                    guard let setting = known.first(where: { $0.key == key }) else {
                        let suggestion = Spelling.suggestion(for: key, among: known.map(\.key))
                        throw .unknownKey(
                            key: "\(section).\(TOMLSyntax.key(key))", suggestion: suggestion.map { "\(section).\($0)" })
                    }
                    try set(setting, to: item, name: setting.path)
                }
            default:
                throw .unknownKey(
                    key: TOMLSyntax.key(section), suggestion: Spelling.suggestion(for: section, among: topLevel))
            }
        }
    }

    private static func tables(_ value: TOMLValue, key: String) throws(ConfigError) -> [TOMLTable] {
        guard case .array(let items) = value else {
            throw .wrongType(key: key, expected: "an array of tables", found: value.typeDescription)
        }
        return try items.enumerated().map { (index, item) throws(ConfigError) in
            guard case .table(let table) = item else {
                throw .wrongType(key: "\(key)[\(index)]", expected: "a table", found: item.typeDescription)
            }
            return table
        }
    }

    private static func miner(from reader: TableReader, index: Int) throws(ConfigError) -> MinerConfig {
        try reader.checkKeys(["id", "url", "models", "weight", "api_key"])
        guard let url = try reader.string("url") else { throw .missingKey("\(reader.path).url") }
        return MinerConfig(
            id: try reader.string("id") ?? "miner-\(index + 1)",
            url: url,
            models: try reader.strings("models") ?? [],
            weight: try reader.number("weight") ?? 1,
            apiKey: try reader.string("api_key")
        )
    }

    private static func session(from reader: TableReader) throws(ConfigError) -> SessionConfig {
        try reader.checkKeys(
            ["id", "name", "model", "miners", "redundancy", "timeout_seconds", "chain", "chain_session_id"])
        guard let id = try reader.integer("id") else { throw .missingKey("\(reader.path).id") }
        return SessionConfig(
            id: id,
            name: try reader.string("name") ?? "session-\(id)",
            model: try reader.string("model") ?? "",
            miners: try reader.strings("miners") ?? [],
            redundancy: try reader.integer("redundancy") ?? 1,
            timeoutSeconds: try reader.integer("timeout_seconds") ?? 300,
            chain: try chainReference(from: reader)
        )
    }

    /// `chain` and `chain_session_id` of a `[[sessions]]` table: both or neither.
    private static func chainReference(from reader: TableReader) throws(ConfigError) -> ChainSessionReference? {
        let name = try reader.string("chain")
        let sessionID = try reader.integer("chain_session_id")
        switch (name, sessionID) {
        case (nil, nil):
            return nil
        case (nil, .some):
            throw .invalidValue(key: "\(reader.path).chain_session_id", problem: "is set but chain is not (set both)")
        case (.some, nil):
            throw .missingKey("\(reader.path).chain_session_id")
        case (let name?, let sessionID?):
            guard let layer = ChainSettings.Layer(rawValue: name) else {
                let names = ChainSettings.Layer.allCases.map(\.rawValue).joined(separator: ", ")
                throw .invalidValue(
                    key: "\(reader.path).chain", problem: "\(TOMLSyntax.quoted(name)) is not one of \(names)")
            }
            guard sessionID >= 0 else {
                throw .invalidValue(key: "\(reader.path).chain_session_id", problem: "\(sessionID) is negative")
            }
            return ChainSessionReference(layer: layer, sessionID: UInt64(sessionID))
        }
    }
}

/// Typed, path-aware reads of one `[[miners]]` or `[[sessions]]` table.
struct TableReader {
    let table: TOMLTable
    /// The table's path in messages, e.g. `miners[1]`.
    let path: String

    /// Rejects keys outside `known`, suggesting the closest one.
    func checkKeys(_ known: [String]) throws(ConfigError) {
        for key in table.keys where !known.contains(key) {
            let suggestion = Spelling.suggestion(for: key, among: known)
            throw .unknownKey(key: "\(path).\(TOMLSyntax.key(key))", suggestion: suggestion.map { "\(path).\($0)" })
        }
    }

    func string(_ key: String) throws(ConfigError) -> String? {
        switch table[key] {
        case nil: return nil
        case .string(let text): return text
        case let value?: throw .wrongType(key: "\(path).\(key)", expected: "a string", found: value.typeDescription)
        }
    }

    func integer(_ key: String) throws(ConfigError) -> Int? {
        switch table[key] {
        case nil: return nil
        case .integer(let number):
            guard let number = Int(exactly: number) else {
                throw .invalidValue(key: "\(path).\(key)", problem: "\(number) is out of range")
            }
            return number
        case let value?: throw .wrongType(key: "\(path).\(key)", expected: "an integer", found: value.typeDescription)
        }
    }

    /// A float, or an integer read as a float.
    func number(_ key: String) throws(ConfigError) -> Double? {
        switch table[key] {
        case nil: return nil
        case .integer(let number): return Double(number)
        case .float(let number): return number
        case let value?: throw .wrongType(key: "\(path).\(key)", expected: "a number", found: value.typeDescription)
        }
    }

    func strings(_ key: String) throws(ConfigError) -> [String]? {
        switch table[key] {
        case nil: return nil
        case .array(let items):
            return try items.enumerated().map { (index, item) throws(ConfigError) in
                guard case .string(let text) = item else {
                    throw .wrongType(key: "\(path).\(key)[\(index)]", expected: "a string", found: item.typeDescription)
                }
                return text
            }
        case let value?:
            throw .wrongType(key: "\(path).\(key)", expected: "an array of strings", found: value.typeDescription)
        }
    }
}
