/// Sends `local://` requests to the local model and everything else to the network transport.
package struct MinerTransportRouter: MinerTransport {
    let remote: any MinerTransport
    let local: LocalModelMiner?

    /// Routes to `local` what names its scheme, the rest to `remote`.
    package init(remote: any MinerTransport, local: LocalModelMiner?) {
        self.remote = remote
        self.local = local
    }

    package func open(_ request: MinerHTTPRequest) async throws -> MinerHTTPStream {
        if let local, request.url.hasPrefix(LocalModelMiner.scheme) { return try await local.open(request) }
        return try await remote.open(request)
    }

    package var preferredExecutor: (any TaskExecutor)? { remote.preferredExecutor }
}
