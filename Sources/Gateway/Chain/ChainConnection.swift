import HTTPClient
import LightClient

/// The contracts of one chain layer, connected on first use: the chain id checked on every endpoint, the queue's
/// address read from `SessionV2` when not configured, one nonce manager for the node key.
actor ChainConnection {
    /// What a chain session needs: reads and signed submissions.
    struct Contracts: Sendable {
        let session: SessionV2
        let queue: SessionQueueV2
        let sender: TransactionSender
    }

    let name: String
    let settings: ChainSettings
    private let http: HTTPClient
    private let key: PrivateKey
    private var contracts: Contracts?

    /// A connection to the chain of `settings` (named `name` in errors), signing with `key`; nothing is asked yet.
    init(name: String, settings: ChainSettings, http: HTTPClient, key: PrivateKey) {
        (self.name, self.settings, self.http, self.key) = (name, settings, http, key)
    }

    /// The connected contracts; a chain that cannot be reached now is asked again next time.
    func connected() async throws(APIError) -> Contracts {
        if let contracts { return contracts }
        let chain = settings.chainConfig(name: name)
        let client: JSONRPCClient
        do throws(ChainConnectError) {
            client = try await chain.connect(http: http).client
        } catch {
            throw ChainFailure.apiError(error)
        }
        let session = SessionV2(address: try Self.address(settings.sessionContract, "session_v2"), client: client)
        let queueAddress: Address
        if let configured = settings.sessionQueueContract {
            queueAddress = try Self.address(configured, "session_queue_v2")
        } else {
            do throws(ContractError) {
                queueAddress = try await session.sessionQueueAddress()
            } catch {
                throw ChainFailure.apiError(error, doing: "reading the session queue's address")
            }
        }
        // Another request may have connected meanwhile: keep the first, so one nonce manager serves the key.
        if let contracts { return contracts }
        let sender = TransactionSender(
            key: key, chainID: settings.chainID, client: client, nonces: NonceManager(client: client),
            policy: .init(receiptPollInterval: .milliseconds(500)))
        let made = Contracts(
            session: session, queue: SessionQueueV2(address: queueAddress, client: client),
            sender: sender)
        contracts = made
        return made
    }

    private static func address(_ text: String?, _ key: String) throws(APIError) -> Address {
        // Validated with the configuration; a failure here is a configuration the validation missed.
        guard let text, let address = try? Address(parsing: text) else {
            throw APIError(status: 500, code: "chain_config", message: "chains: \(key) is not a usable address")
        }
        return address
    }
}

/// Runs `body` until `deadline`: a body still running then is cancelled and the request gets 504 naming `what`.
func withChainDeadline<T: Sendable>(
    _ deadline: ContinuousClock.Instant, _ what: String,
    _ body: @escaping @Sendable () async throws(APIError) -> T
) async throws(APIError) -> T {
    let result = await withTaskGroup(of: Result<T, APIError>?.self) { group in
        group.addTask {
            do throws(APIError) { return .success(try await body()) } catch { return .failure(error) }
        }
        group.addTask {
            try? await Task.sleep(until: deadline, clock: .continuous)
            return Task.isCancelled ? nil : .failure(ChainFailure.deadline(what))
        }
        for await outcome in group {
            guard let outcome else { continue }
            group.cancelAll()
            return outcome
        }
        return .failure(ChainFailure.deadline(what))
    }
    return try result.get()
}
