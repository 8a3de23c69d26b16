public import HTTPClient

/// One chain the router talks to: a name, the chain id it must have, and its JSON-RPC endpoints.
public struct ChainConfig: Sendable, Hashable {
    /// A name for logs and errors, e.g. "service".
    public var name: String
    /// The chain id every endpoint must report.
    public var chainID: UInt64
    /// The endpoints, in preference order.
    public var endpoints: [RPCEndpoint]
    /// How reads are checked (`verify = "quorum" | "proofs" | "none"`).
    public var verify: VerificationMode

    /// Creates a chain configuration.
    public init(
        name: String, chainID: UInt64, endpoints: [RPCEndpoint], verify: VerificationMode = .proofs(confirmations: 0)
    ) {
        self.name = name
        self.chainID = chainID
        self.endpoints = endpoints
        self.verify = verify
    }
}

/// Why `ChainConfig.connect` dropped an endpoint, or failed.
public enum ChainConnectError: Error, Sendable, Equatable {
    /// The named endpoint serves another chain.
    case chainIDMismatch(endpoint: String, expected: UInt64, found: UInt64)
    /// The named endpoint could not tell its chain id.
    case unreachable(endpoint: String, JSONRPCError)
    /// No endpoint of the named chain passed; why each was dropped.
    case noEndpointLeft(chain: String, dropped: [ChainConnectError])
}

/// A client over the endpoints that passed the chain id check, and the ones that did not.
public struct ConnectedChain: Sendable {
    /// The client over the endpoints that serve the configured chain.
    public let client: JSONRPCClient
    /// Why each other endpoint was dropped.
    public let dropped: [ChainConnectError]
    /// Reads over `client`, checked as the chain's `verify` says.
    public let reader: VerifiedReader
}

extension ChainConfig {
    /// Asks every endpoint for `eth_chainId` (all at once, once each, no failover) and keeps those reporting
    /// `chainID`, in configuration order; throws `.noEndpointLeft` when none does.
    public func connect(
        http: HTTPClient, configuration: JSONRPCClient.Configuration = .init()
    ) async throws(ChainConnectError) -> ConnectedChain {
        guard !endpoints.isEmpty else { throw .noEndpointLeft(chain: name, dropped: []) }
        let probe = JSONRPCClient(endpoints: endpoints, http: http, configuration: configuration)
        let answers = await withTaskGroup(of: (Int, Result<UInt64, JSONRPCError>).self) { group in
            for index in endpoints.indices {
                group.addTask { (index, await Self.chainID(from: probe, endpoint: index)) }
            }
            var answers = [Result<UInt64, JSONRPCError>?](repeating: nil, count: endpoints.count)
            for await (index, answer) in group { answers[index] = answer }
            return answers
        }
        var kept: [RPCEndpoint] = []
        var dropped: [ChainConnectError] = []
        for (endpoint, answer) in zip(endpoints, answers) {
            switch answer {
            case .success(let found) where found == chainID: kept.append(endpoint)
            case .success(let found):
                dropped.append(.chainIDMismatch(endpoint: endpoint.name, expected: chainID, found: found))
            case .failure(let error): dropped.append(.unreachable(endpoint: endpoint.name, Self.firstCause(error)))
            case nil: dropped.append(.unreachable(endpoint: endpoint.name, .cancelled))
            }
        }
        guard !kept.isEmpty else { throw .noEndpointLeft(chain: name, dropped: dropped) }
        let client = JSONRPCClient(endpoints: kept, http: http, configuration: configuration)
        return ConnectedChain(client: client, dropped: dropped, reader: VerifiedReader(client: client, mode: verify))
    }

    /// Endpoint `index`'s `eth_chainId`, or why it gave none. A function of its own: written as a typed-throws `do`
    /// inside the child task's closure, release builds sometimes handed back an endpoint index out of range (SIGILL
    /// on `answers[index]` in about one `chain status` in five with an unreachable endpoint; Swift 6.3.1).
    private static func chainID(from probe: JSONRPCClient, endpoint index: Int) async -> Result<UInt64, JSONRPCError> {
        do throws(JSONRPCError) {
            return .success(try await probe.request("eth_chainId", [], onEndpoint: index, decode: RPCQuantity.uint64))
        } catch {
            return .failure(error)
        }
    }

    /// The single attempt's own error rather than the one-element `.allEndpointsFailed` around it.
    private static func firstCause(_ error: JSONRPCError) -> JSONRPCError {
        if case .allEndpointsFailed(let failures) = error, failures.count == 1 { return failures[0] }
        return error
    }
}
