import Gateway
import HTTPClient
import LightClient
import System

/// Runs the `chain …` commands against the chains of the configuration. Exit codes: 0, or 1 when a chain cannot
/// be reached or verified, a read fails or a transaction is refused.
struct ChainRunner {
    let config: EdgeConfig
    let environment: [String: String]
    let output: CommandOutput
    let programName: String

    func run(_ command: ChainCommand) async -> Int32 {
        let http: HTTPClient
        do { http = try HTTPClient() } catch {
            output.standardError("\(programName): chain: \(error)\n")
            return 1
        }
        defer { http.shutdown() }
        do {
            switch command {
            case .status: return await status(http: http)
            case .session(let id): try await printSession(id, http: http)
            case .task(let sessionID, let taskID): try await printTask(sessionID, taskID, http: http)
            case .register(let sessionID, let update, let passwordFile):
                try await register(sessionID, update: update, passwordFile: passwordFile, http: http)
            }
            return 0
        } catch {
            output.standardError("\(programName): chain: \(error)\n")
            return 1
        }
    }

    // MARK: status

    /// Every configured layer: endpoints with chain id and head, then the header verification gives.
    private func status(http: HTTPClient) async -> Int32 {
        guard !config.chains.isEmpty else {
            output.standardError(
                "\(programName): chain: no chain is configured (add [chains.service] to the configuration file)\n")
            return 1
        }
        var healthy = true
        for layer in ChainSettings.Layer.allCases {
            guard let settings = config.chains[layer] else {
                let fallback = config.chains[.service] == nil ? "not configured" : "uses the service chain"
                output.standardOutput("\(layer.rawValue): \(fallback)\n")
                continue
            }
            healthy = await status(of: layer, settings, http: http) && healthy
        }
        return healthy ? 0 : 1
    }

    private func status(of layer: ChainSettings.Layer, _ settings: ChainSettings, http: HTTPClient) async -> Bool {
        output.standardOutput(
            "\(layer.rawValue): chain \(settings.chainID), verify \(settings.verification.rawValue)"
                + (settings.verification == .quorum
                    ? " (\(settings.requiredAgreement) of \(settings.endpoints.count))" : "")
                + ", \(settings.confirmations) confirmations\n")
        let connected: ConnectedChain
        do throws(ChainConnectError) {
            connected = try await settings.chainConfig(name: layer.rawValue).connect(http: http)
        } catch {
            if case .noEndpointLeft(_, let dropped) = error {
                for reason in dropped { output.standardOutput("  \(Self.describe(reason))\n") }
            }
            output.standardOutput("  no endpoint serves chain \(settings.chainID)\n")
            return false
        }
        for reason in connected.dropped { output.standardOutput("  \(Self.describe(reason))\n") }
        for (index, endpoint) in connected.client.endpoints.enumerated() {
            do {
                let head = try await connected.client.blockNumber(onEndpoint: index)
                output.standardOutput("  \(endpoint.name): chain id ok, head \(head)\n")
            } catch {
                output.standardOutput("  \(endpoint.name): chain id ok, head unknown (\(error))\n")
            }
        }
        do {
            let header = try await connected.reader.confirmedHeader()
            output.standardOutput("  confirmed header #\(header.number) \(Hex.encode(header.hash)) verified\n")
            return true
        } catch {
            output.standardOutput("  verification failed: \(error)\n")
            for failure in connected.reader.failures { output.standardOutput("    \(failure)\n") }
            return false
        }
    }

    private static func describe(_ reason: ChainConnectError) -> String {
        switch reason {
        case .chainIDMismatch(let endpoint, let expected, let found):
            "\(endpoint): serves chain \(found), not \(expected) (dropped)"
        case .unreachable(let endpoint, let error): "\(endpoint): unreachable (\(error))"
        case .noEndpointLeft(let chain, _): "\(chain): no endpoint left"
        }
    }

    // MARK: reads

    private func printSession(_ id: UInt256, http: HTTPClient) async throws {
        let (sessions, _) = try await contracts(http: http)
        let session = try await sessions.session(id)
        var lines = [
            "session \(session.id) \"\(session.name)\"", "  state \(session.state), owner \(session.owner)",
            "  mode \(session.mode), redundancy \(session.redundant), nodes \(session.minNumOfNodes)..."
                + "\(session.maxNumOfNodes), sla \(session.sla), model \(session.modelIdentifier)",
            "  miners: "
                + (session.miners.isEmpty ? "none" : session.miners.map(\.checksummed).joined(separator: ", ")),
        ]
        lines += session.routers.map { "  router \($0.address): \($0.metadata)" }
        if !session.metadata.isEmpty { lines.append("  metadata: \(session.metadata)") }
        output.standardOutput(lines.joined(separator: "\n") + "\n")
    }

    private func printTask(_ sessionID: UInt256, _ taskID: UInt256, http: HTTPClient) async throws {
        let (_, queue) = try await contracts(http: http)
        let task = try await queue.task(sessionID: sessionID, taskID: taskID)
        var lines = [
            "task \(task.id) of session \(task.sessionID) (global \(task.globalID)): status \(task.status)"
                + (task.ended ? ", ended" : ""),
            "  data: \(task.data)",
            "  assigned: "
                + (task.assignedMiners.isEmpty
                    ? "none" : task.assignedMiners.map(\.checksummed).joined(separator: ", ")),
        ]
        lines += try await queue.taskResults(sessionID: sessionID, taskID: taskID).map {
            "  result from \($0.miner): \($0.result)"
        }
        output.standardOutput(lines.joined(separator: "\n") + "\n")
    }

    // MARK: register

    private func register(_ sessionID: UInt256, update: Bool, passwordFile: String?, http: HTTPClient) async throws {
        guard let settings = config.chain(for: .registration) else { throw ChainCommandError.notConfigured }
        let key = try NodeKeyRunner(config: config, environment: environment, output: output, programName: programName)
            .unlock(passwordFile: passwordFile)
        let connected = try await settings.chainConfig(name: "registration").connect(http: http)
        guard let address = settings.sessionContract else { throw ChainCommandError.noSessionContract }
        let sessions = SessionV2(address: try Address(parsing: address), client: connected.client)
        let sender = TransactionSender(
            key: key, chainID: settings.chainID, client: connected.client,
            nonces: NonceManager(client: connected.client))
        let metadata = RouterMetadata(rest: config.publicURL)
        let receipt = try await sessions.publishRouter(
            sessionID: sessionID, router: key.address, metadata: metadata, update: update, via: sender)
        output.standardOutput(
            "\(update ? "updated" : "registered") router \(key.address) on session \(sessionID): \(metadata.encoded) "
                + "(transaction \(Hex.encode(receipt.transactionHash)))\n")
    }

    /// SessionV2 and SessionQueueV2 on the service chain; the queue's address from the config, else from SessionV2.
    private func contracts(http: HTTPClient) async throws -> (SessionV2, SessionQueueV2) {
        guard let settings = config.chain(for: .service) else { throw ChainCommandError.notConfigured }
        guard let sessionAddress = settings.sessionContract else { throw ChainCommandError.noSessionContract }
        let client = try await settings.chainConfig(name: "service").connect(http: http).client
        let sessions = SessionV2(address: try Address(parsing: sessionAddress), client: client)
        let queueAddress =
            if let configured = settings.sessionQueueContract {
                try Address(parsing: configured)
            } else {
                try await sessions.sessionQueueAddress()
            }
        return (sessions, SessionQueueV2(address: queueAddress, client: client))
    }
}

/// Why a chain command could not start.
enum ChainCommandError: Error, CustomStringConvertible {
    case notConfigured
    case noSessionContract

    var description: String {
        switch self {
        case .notConfigured: "no chain is configured (add [chains.service] to the configuration file)"
        case .noSessionContract: "the chain has no session_v2 address (set it in [chains.service])"
        }
    }
}
