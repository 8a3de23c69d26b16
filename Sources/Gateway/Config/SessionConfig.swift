/// A local session: a named set of miners serving one model, as Cortensor clients address them by number.
public struct SessionConfig: Sendable, Hashable {
    /// Numeric session id used in `/api/v1/completions/{id}`; session 0 is the quick-start default.
    public var id: Int
    /// Human-readable name.
    public var name: String
    /// Model requested from miners; empty lets the miner use its default.
    public var model: String
    /// Miner ids serving the session; empty means every configured miner.
    public var miners: [String]
    /// How many miners answer each task (results recorded per miner); 1 forwards a single stream.
    public var redundancy: Int
    /// Default deadline of a task in this session, in seconds (a request's `timeout` may lower it).
    public var timeoutSeconds: Int
    /// The on-chain session this one stands for (`chain` and `chain_session_id`); nil for a local session.
    public var chain: ChainSessionReference?

    /// Creates a session entry.
    public init(
        id: Int, name: String, model: String = "", miners: [String] = [], redundancy: Int = 1,
        timeoutSeconds: Int = 300, chain: ChainSessionReference? = nil
    ) {
        self.id = id
        self.name = name
        self.model = model
        self.miners = miners
        self.redundancy = redundancy
        self.timeoutSeconds = timeoutSeconds
        self.chain = chain
    }
}

/// A session that lives on chain: its tasks are submitted to `SessionV2` on the layer's chain and answered by the
/// miners the contracts assign.
public struct ChainSessionReference: Sendable, Hashable {
    /// The chain layer holding the session (`chain = "service"`).
    public var layer: ChainSettings.Layer
    /// The session's id in `SessionV2` (`chain_session_id`).
    public var sessionID: UInt64

    /// A reference to session `sessionID` on `layer`.
    public init(layer: ChainSettings.Layer, sessionID: UInt64) {
        self.layer = layer
        self.sessionID = sessionID
    }
}
