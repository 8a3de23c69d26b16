import System
import TOML

/// One chain the router talks to (`[chains.service]`, `[chains.registration]`, `[chains.health]`): its chain id,
/// its JSON-RPC endpoints, how far their answers are trusted, and the Cortensor contracts on it.
public struct ChainSettings: Sendable, Hashable {
    /// The seed's three layers. Registration and health fall back to the service chain when not configured.
    public enum Layer: String, Sendable, Hashable, CaseIterable {
        /// Where the node's identity and router registration live (Ethereum / L2).
        case registration
        /// Where health and capability records live (L2).
        case health
        /// Where sessions and tasks live (L2/L3).
        case service
    }

    /// How answers of the chain's endpoints are checked.
    public enum Verification: String, Sendable, Hashable, CaseIterable {
        /// A header counts only when `quorum` endpoints agree on its hash `confirmations` blocks deep; state and
        /// logs are then checked against it with proofs.
        case quorum
        /// Headers are hash-checked and state and logs proven against them, trusting one endpoint for the head.
        case proofs
        /// Answers are taken as they come (a local node you run yourself).
        case none
    }

    /// The chain id every endpoint must report (`eth_chainId`).
    public var chainID: UInt64
    /// JSON-RPC endpoints (http/https), in preference order.
    public var endpoints: [String]
    /// How answers are checked.
    public var verification: Verification
    /// Endpoints that must agree on a header (with `.quorum`); nil = a majority of the endpoints.
    public var quorum: Int?
    /// Blocks a header must be below the head before it counts.
    public var confirmations: Int
    /// Address of the SessionV2 contract, if this chain serves sessions.
    public var sessionContract: String?
    /// Address of the SessionQueueV2 contract.
    public var sessionQueueContract: String?
    /// Address of the NodePool contract (miner discovery).
    public var nodePoolContract: String?

    /// Endpoints that must agree on a header: `quorum`, or a majority of the endpoints.
    public var requiredAgreement: Int { quorum ?? endpoints.count / 2 + 1 }

    /// Creates chain settings.
    public init(
        chainID: UInt64, endpoints: [String], verification: Verification = .quorum, quorum: Int? = nil,
        confirmations: Int = 2, sessionContract: String? = nil, sessionQueueContract: String? = nil,
        nodePoolContract: String? = nil
    ) {
        self.chainID = chainID
        self.endpoints = endpoints
        self.verification = verification
        self.quorum = quorum
        self.confirmations = confirmations
        self.sessionContract = sessionContract
        self.sessionQueueContract = sessionQueueContract
        self.nodePoolContract = nodePoolContract
    }

    /// The keys of a `[chains.<layer>]` table, in the order `describe` prints them.
    static let keys = [
        "chain_id", "endpoints", "verify", "quorum", "confirmations", "session_v2", "session_queue_v2", "node_pool",
    ]
}

/// The node's own identity on chain (`[node]` is a scalar section; this is its typed view).
public struct NodeSettings: Sendable, Hashable {
    /// The keystore (V3 JSON) holding the node's signing key; nil = `<state>/node-key.json`.
    public var keystorePath: String?
    /// A file whose first line is the keystore's password (for `serve` and the `keys`/`chain` commands).
    public var passwordFile: String?
    /// The REST endpoint published in router metadata by `chain register`; nil = `http://host:port` of `[server]`.
    public var publicURL: String?

    /// Creates node settings with nothing set.
    public init() {}
}

extension EdgeConfig {
    /// The chain of `layer`: its own table, else the service chain's; nil when neither is configured.
    public func chain(for layer: ChainSettings.Layer) -> ChainSettings? {
        chains[layer] ?? chains[.service]
    }

    /// The node keystore's path: `node.keystore`, or `node-key.json` in the state directory.
    public var nodeKeystorePath: String {
        node.keystorePath ?? (stateDirectory.hasSuffix("/") ? stateDirectory : stateDirectory + "/") + "node-key.json"
    }

    /// The REST endpoint this router publishes on chain.
    public var publicURL: String {
        if let url = node.publicURL { return url }
        let host = server.host.contains(":") ? "[\(server.host)]" : server.host
        return "\(server.tlsCertificatePath == nil ? "http" : "https")://\(host):\(server.port)"
    }
}

/// Reading `[chains.<layer>]` tables.
extension EdgeConfig {
    static func chains(from value: TOMLValue) throws(ConfigError) -> [ChainSettings.Layer: ChainSettings] {
        guard case .table(let table) = value else {
            throw .wrongType(key: "chains", expected: "a table", found: value.typeDescription)
        }
        var chains: [ChainSettings.Layer: ChainSettings] = [:]
        for (name, item) in table {
            guard let layer = ChainSettings.Layer(rawValue: name) else {
                let names = ChainSettings.Layer.allCases.map(\.rawValue)
                throw .unknownKey(
                    key: "chains.\(TOMLSyntax.key(name))",
                    suggestion: Spelling.suggestion(for: name, among: names).map { "chains.\($0)" })
            }
            guard case .table(let chainTable) = item else {
                throw .wrongType(key: "chains.\(name)", expected: "a table", found: item.typeDescription)
            }
            chains[layer] = try chain(from: TableReader(table: chainTable, path: "chains.\(name)"))
        }
        return chains
    }

    private static func chain(from reader: TableReader) throws(ConfigError) -> ChainSettings {
        try reader.checkKeys(ChainSettings.keys)
        guard let chainID = try reader.integer("chain_id") else { throw .missingKey("\(reader.path).chain_id") }
        guard chainID > 0 else {
            throw .invalidValue(key: "\(reader.path).chain_id", problem: "\(chainID) must be positive")
        }
        guard let endpoints = try reader.strings("endpoints") else { throw .missingKey("\(reader.path).endpoints") }
        var verification = ChainSettings.Verification.quorum
        if let text = try reader.string("verify") {
            guard let parsed = ChainSettings.Verification(rawValue: text) else {
                let names = ChainSettings.Verification.allCases.map(\.rawValue).joined(separator: ", ")
                throw .invalidValue(
                    key: "\(reader.path).verify", problem: "\(TOMLSyntax.quoted(text)) is not one of \(names)")
            }
            verification = parsed
        }
        return ChainSettings(
            chainID: UInt64(chainID), endpoints: endpoints, verification: verification,
            quorum: try reader.integer("quorum"), confirmations: try reader.integer("confirmations") ?? 2,
            sessionContract: try reader.string("session_v2"),
            sessionQueueContract: try reader.string("session_queue_v2"),
            nodePoolContract: try reader.string("node_pool"))
    }

    /// The chain as the table `chain(from:)` reads.
    private static func table(of chain: ChainSettings) -> TOMLTable {
        var table = TOMLTable()
        table["chain_id"] = .integer(Int64(clamping: chain.chainID))
        table["endpoints"] = .array(chain.endpoints.map(TOMLValue.string))
        table["verify"] = .string(chain.verification.rawValue)
        table["quorum"] = chain.quorum.map { .integer(Int64($0)) }
        table["confirmations"] = .integer(Int64(chain.confirmations))
        table["session_v2"] = chain.sessionContract.map(TOMLValue.string)
        table["session_queue_v2"] = chain.sessionQueueContract.map(TOMLValue.string)
        table["node_pool"] = chain.nodePoolContract.map(TOMLValue.string)
        return table
    }

    /// Prefix of the chain variables: `CORTENSOR_EDGE_CHAINS_<LAYER>_<KEY>`, e.g.
    /// `CORTENSOR_EDGE_CHAINS_SERVICE_ENDPOINTS` (comma-separated URLs).
    static let chainsEnvironmentPrefix = "CORTENSOR_EDGE_CHAINS_"

    /// Every chain variable name, for help and suggestions.
    static var chainEnvironmentNames: [String] {
        ChainSettings.Layer.allCases.flatMap { layer in
            ChainSettings.keys.map { "\(chainsEnvironmentPrefix)\(layer.rawValue.uppercased())_\($0.uppercased())" }
        }
    }

    /// Applies `CORTENSOR_EDGE_CHAINS_<LAYER>_<KEY>` variables over each layer's table, all of a layer at once (a
    /// layer the file did not configure needs at least `_CHAIN_ID` and `_ENDPOINTS`); an empty value removes an
    /// optional key.
    mutating func applyChainVariables(_ variables: [(name: String, text: String)]) throws(ConfigError) {
        var tables: [ChainSettings.Layer: TOMLTable] = [:]
        for (name, text) in variables {
            let rest = name.dropFirst(Self.chainsEnvironmentPrefix.count).lowercased()
            guard let layer = ChainSettings.Layer.allCases.first(where: { rest.hasPrefix($0.rawValue + "_") }),
                case let key = String(rest.dropFirst(layer.rawValue.count + 1)), ChainSettings.keys.contains(key)
            else {
                let suggestion = Spelling.suggestion(for: name, among: Self.chainEnvironmentNames)
                throw .unknownEnvironmentVariable(name: TOMLSyntax.key(name), suggestion: suggestion)
            }
            var table = tables[layer] ?? chains[layer].map(Self.table(of:)) ?? TOMLTable()
            table[key] = try Self.chainValue(parsing: text, key: key, name: name)
            tables[layer] = table
        }
        for (layer, table) in tables {
            chains[layer] = try Self.chain(from: TableReader(table: table, path: "chains.\(layer.rawValue)"))
        }
    }

    /// The TOML value of one chain variable; nil (remove the key) for an empty one.
    private static func chainValue(parsing text: String, key: String, name: String) throws(ConfigError) -> TOMLValue? {
        let trimmed = text.trimmingSpaces
        switch key {
        case _ where trimmed.isEmpty:
            return nil
        case "chain_id", "quorum", "confirmations":
            guard let number = Int64(trimmed) else {
                throw .invalidValue(key: name, problem: "\(TOMLSyntax.quoted(text)) is not an integer")
            }
            return .integer(number)
        case "endpoints":
            let urls = trimmed.split(separator: ",").map(\.trimmingSpaces).filter { !$0.isEmpty }
            return .array(urls.map(TOMLValue.string))
        default:
            return .string(trimmed)
        }
    }

    /// The `[chains.<layer>]` tables as `describe` prints them.
    func describeChains() -> [String] {
        var lines: [String] = []
        for layer in ChainSettings.Layer.allCases {
            guard let chain = chains[layer] else { continue }
            lines += ["", "[chains.\(layer.rawValue)]", "chain_id = \(chain.chainID)"]
            lines.append("endpoints = \(TOMLSyntax.rendered(.array(chain.endpoints.map(TOMLValue.string))))")
            lines.append("verify = \(TOMLSyntax.quoted(chain.verification.rawValue))")
            if let quorum = chain.quorum { lines.append("quorum = \(quorum)") }
            lines.append("confirmations = \(chain.confirmations)")
            let contracts = [
                ("session_v2", chain.sessionContract), ("session_queue_v2", chain.sessionQueueContract),
                ("node_pool", chain.nodePoolContract),
            ]
            for case (let key, let address?) in contracts {
                lines.append("\(key) = \(TOMLSyntax.quoted(address))")
            }
        }
        return lines
    }

    /// Checks every configured chain: endpoints are http(s) URLs, the quorum fits the endpoints, contract
    /// addresses are 0x-prefixed 20-byte hex.
    func validateChains() throws(ConfigError) {
        for layer in ChainSettings.Layer.allCases {
            guard let chain = chains[layer] else { continue }
            let path = "chains.\(layer.rawValue)"
            guard !chain.endpoints.isEmpty else {
                throw .invalidValue(key: "\(path).endpoints", problem: "needs at least one JSON-RPC URL")
            }
            for (index, url) in chain.endpoints.enumerated() where !MinerURL.isValid(url) {
                throw .invalidValue(
                    key: "\(path).endpoints[\(index)]", problem: "\(TOMLSyntax.quoted(url)) is not an http(s) URL")
            }
            if let quorum = chain.quorum, !(1...chain.endpoints.count).contains(quorum) {
                throw .invalidValue(
                    key: "\(path).quorum",
                    problem: "\(quorum) is out of range 1...\(chain.endpoints.count) (the number of endpoints)")
            }
            guard (0...10_000).contains(chain.confirmations) else {
                throw .invalidValue(
                    key: "\(path).confirmations", problem: "\(chain.confirmations) is out of range 0...10000")
            }
            let contracts = [
                ("session_v2", chain.sessionContract), ("session_queue_v2", chain.sessionQueueContract),
                ("node_pool", chain.nodePoolContract),
            ]
            for case (let key, let address?) in contracts where !Self.isAddress(address) {
                throw .invalidValue(
                    key: "\(path).\(key)", problem: "\(TOMLSyntax.quoted(address)) is not a 0x-prefixed 20-byte address"
                )
            }
        }
    }

    private static func isAddress(_ text: String) -> Bool {
        text.utf8.count == 42 && text.hasPrefix("0x") && text.utf8.dropFirst(2).allSatisfy(\.isHexDigitByte)
    }
}

extension UInt8 {
    fileprivate var isHexDigitByte: Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(self) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(self)
            || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(self)
    }
}
