/// Sends `local://` requests to the local model and everything else to the network transport.
struct MinerTransportRouter: MinerTransport {
    let remote: any MinerTransport
    let local: LocalModelMiner?

    func open(_ request: MinerHTTPRequest) async throws -> MinerHTTPStream {
        if let local, request.url.hasPrefix(LocalModelMiner.scheme) { return try await local.open(request) }
        return try await remote.open(request)
    }

    var preferredExecutor: (any TaskExecutor)? { remote.preferredExecutor }
}
