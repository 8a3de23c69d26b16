public import Cache
public import HTTPClient
public import JSON
import LightClient
public import Log

/// The sessions of the configuration that live on chain (`chain = "service"`, `chain_session_id = N`): their reads
/// come from `SessionV2`/`SessionQueueV2`, their completions are tasks submitted to `SessionV2` with the request's
/// CID as task data and answered by the miners the contracts assign. Made only when such a session is configured;
/// nothing connects until the first request that needs the chain.
public final class ChainSessions: Sendable {
    /// The configured chain sessions by their local id.
    let sessions: [Int: SessionConfig]
    let connections: [ChainSettings.Layer: ChainConnection]
    let blocks: BlockStore?
    let tasks: TaskWriter
    let logger: Logger
    /// The pause between reads of a task's results while waiting for a miner's commit.
    let pollInterval: Duration

    /// The chain sessions of `config`, or nil when it has none. Unlocks the node key (password from
    /// `node.password_file`, else `passwordVariable`, the value of `CORTENSOR_EDGE_KEY_PASSWORD`); a key that does
    /// not open is an error, so a misconfigured router fails at start rather than at its first task.
    public static func make(
        config: EdgeConfig, passwordVariable: String?, http: HTTPClient, blocks: BlockStore?, tasks: TaskWriter,
        logger: Logger, pollInterval: Duration = .milliseconds(500)
    ) throws(NodeKeyError) -> ChainSessions? {
        let chained = config.sessions.filter { $0.chain != nil }
        guard !chained.isEmpty else { return nil }
        let key = try NodeKeyFile.unlock(config, passwordVariable: passwordVariable)
        var connections: [ChainSettings.Layer: ChainConnection] = [:]
        for layer in Set(chained.compactMap { $0.chain?.layer }) {
            // Validated with the configuration: a chain session's layer has a chain.
            guard let settings = config.chain(for: layer) else { continue }
            connections[layer] = ChainConnection(name: layer.rawValue, settings: settings, http: http, key: key)
        }
        logger.info(
            "chain sessions", metadata: ["sessions": "\(chained.map(\.id))", "node": "\(key.address.checksummed)"])
        return ChainSessions(
            sessions: Dictionary(chained.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first }),
            connections: connections, blocks: blocks, tasks: tasks, logger: logger, pollInterval: pollInterval)
    }

    init(
        sessions: [Int: SessionConfig], connections: [ChainSettings.Layer: ChainConnection], blocks: BlockStore?,
        tasks: TaskWriter, logger: Logger, pollInterval: Duration
    ) {
        (self.sessions, self.connections, self.blocks) = (sessions, connections, blocks)
        (self.tasks, self.logger, self.pollInterval) = (tasks, logger, pollInterval)
    }

    /// Connects each chain in the background (its endpoints' `eth_chainId` checked against the configuration) and
    /// logs the outcome, so a wrong chain id or a dead RPC shows in the log at start, not first at a user's request.
    /// Readiness does not wait for it; a chain that fails here is asked again by the first request.
    public func checkChainsInBackground() {
        for (layer, connection) in connections {
            Task {
                do throws(APIError) {
                    _ = try await connection.connected()
                    logger.info("chain connected", metadata: ["layer": "\(layer.rawValue)"])
                } catch {
                    logger.warning(
                        "chain not reachable at start",
                        metadata: ["layer": "\(layer.rawValue)", "reason": "\(error.message)"])
                }
            }
        }
    }

    /// Whether local session `id` lives on chain.
    public func handles(sessionID id: Int) -> Bool {
        sessions[id] != nil
    }

    /// The session's configuration, its on-chain id and its chain's contracts.
    func resolve(_ id: Int) async throws(APIError) -> (SessionConfig, UInt256, ChainConnection.Contracts) {
        guard let session = sessions[id], let reference = session.chain, let connection = connections[reference.layer]
        else { throw APIError.notFound("session \(id)") }
        return (session, UInt256(reference.sessionID), try await connection.connected())
    }

    /// Session `id` read from `SessionV2`, in the local sessions' JSON shape plus the on-chain fields.
    public func sessionJSON(_ id: Int, deadline: ContinuousClock.Instant) async throws(APIError) -> JSONValue {
        try await withChainDeadline(deadline, "reading session \(id)") { () throws(APIError) in
            let (session, chainID, contracts) = try await self.resolve(id)
            do throws(ContractError) {
                return session.json(onChain: try await contracts.session.session(chainID))
            } catch {
                throw ChainFailure.apiError(error, doing: "reading session \(chainID) from SessionV2")
            }
        }
    }
}
