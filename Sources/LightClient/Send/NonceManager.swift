/// Hands out nonces per sending address: the first from the node's pending transaction count
/// (`eth_getTransactionCount(address, "pending")`, so a restarted router continues after its own transactions
/// still in the pool), then consecutive ones without asking again. A failed send invalidates the address, and
/// the next reservation asks the node afresh.
public actor NonceManager {
    private let client: JSONRPCClient
    private var next: [Address: UInt64] = [:]

    /// A manager reading pending counts through `client`.
    public init(client: JSONRPCClient) {
        self.client = client
    }

    /// The next unused nonce of `address`, now reserved.
    public func reserve(for address: Address) async throws(JSONRPCError) -> UInt64 {
        if next[address] == nil {
            let pending = try await client.transactionCount(of: address, at: .pending)
            if next[address] == nil { next[address] = pending }  // Another reservation may have loaded it meanwhile.
        }
        let nonce = next[address]!  // set just above
        next[address] = nonce + 1
        return nonce
    }

    /// Forgets what is known of `address` (a send failed, or another process used the key): the next
    /// reservation reads the pending count again.
    public func invalidate(_ address: Address) {
        next[address] = nil
    }

    /// The nonce the next reservation of `address` returns, if known without asking the node.
    public func peek(_ address: Address) -> UInt64? {
        next[address]
    }
}
