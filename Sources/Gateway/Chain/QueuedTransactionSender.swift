import LightClient

/// The contract bindings' `TransactionSending` over `TransactionSender`: nonces from the process's one
/// `NonceManager` (concurrent submissions from the node key never race for a nonce), fees from `eth_feeHistory`, gas
/// estimated with headroom.
struct QueuedTransactionSender: TransactionSending {
    let sender: TransactionSender

    /// The node's address.
    var from: Address { sender.address }

    /// Sends a call of `data` to `to`; the transaction hash.
    func send(to: Address, data: [UInt8]) async throws(ContractError) -> [UInt8] {
        do throws(SendError) {
            return try await sender.send(TransactionRequest(to: to, data: data)).hash
        } catch {
            throw Self.contractError(error)
        }
    }

    /// The bindings' error for a sender's.
    static func contractError(_ error: SendError) -> ContractError {
        switch error {
        case .reverted(.error(let message)): .reverted(reason: message, data: [])
        case .reverted(.custom(let data)): .reverted(reason: nil, data: data)
        case .reverted(let reason): .reverted(reason: reason.description, data: [])
        case .failed(let receipt, _): .transactionFailed(hash: receipt.transactionHash)
        case .receiptTimeout(let hash): .receiptMissing(hash: hash)
        case .rpc(let error): .rpc(error)
        case .cancelled: .rpc(.cancelled)
        }
    }
}
