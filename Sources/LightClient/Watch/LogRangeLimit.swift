import System

/// Recognizes a node's refusal of an `eth_getLogs` range as too large. Providers word it differently: Infura
/// and others answer code -32005 ("query returned more than 10000 results"), Alchemy "Log response size exceeded",
/// QuickNode and Nitro nodes "block range ... exceeds limit" or "too many blocks"; a reply over the client's size
/// limit counts too.
enum LogRangeLimit {
    /// Fragments of refusals that shrinking the range can fix (lowercased).
    static let fragments = [
        "more than", "too many", "too large", "exceed", "block range", "range limit", "response size", "limit",
    ]

    /// Whether `error` says the range (or its result) was too large.
    static func isRangeTooLarge(_ error: JSONRPCError) -> Bool {
        switch error {
        case .rpc(let code, let message, _):
            if code == -32005 { return true }
            let lowered = message.lowercased()
            return fragments.contains { TextSearch.contains(lowered, $0) }
        case .invalidResponse(_, let reason):
            return TextSearch.contains(reason, "larger than")
        case .allEndpointsFailed(let failures):
            return !failures.isEmpty && failures.allSatisfy(isRangeTooLarge)
        default:
            return false
        }
    }
}
