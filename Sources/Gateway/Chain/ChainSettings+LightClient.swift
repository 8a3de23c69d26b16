public import LightClient

extension ChainSettings {
    /// The light client's view of these settings, named `name` in errors: endpoints in order, and `verify`,
    /// `quorum` and `confirmations` as a verification mode.
    public func chainConfig(name: String) -> ChainConfig {
        let mode: VerificationMode =
            switch verification {
            case .none: .none
            case .proofs: .proofs(confirmations: UInt64(confirmations))
            case .quorum: .quorum(requiredAgreement, confirmations: UInt64(confirmations))
            }
        return ChainConfig(
            name: name, chainID: chainID, endpoints: endpoints.map { RPCEndpoint(url: $0) }, verify: mode)
    }
}
