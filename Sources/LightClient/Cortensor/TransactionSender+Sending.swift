/// The full sender (nonce queue, fees from history, estimated gas) as the bindings' `TransactionSending`.
extension TransactionSender: TransactionSending {
    /// The sending account.
    public nonisolated var from: Address { address }

    /// Sends a call of `data` to `to` through the nonce queue; the hash of the transaction as first sent.
    public func send(to: Address, data: [UInt8]) async throws(ContractError) -> [UInt8] {
        do throws(SendError) {
            return try await send(TransactionRequest(to: to, data: data)).hash
        } catch {
            throw ContractError(error)
        }
    }
}

extension ContractError {
    /// The bindings' error for a sender's failure.
    init(_ error: SendError) {
        switch error {
        case .reverted(let reason): self = .reverted(reason: reason.message, data: reason.data)
        case .failed(_, let reason?): self = .reverted(reason: reason.message, data: reason.data)
        case .failed(let receipt, nil): self = .transactionFailed(hash: receipt.transactionHash)
        case .receiptTimeout(let hash): self = .receiptMissing(hash: hash)
        case .rpc(let error): self = .rpc(error)
        case .cancelled: self = .rpc(.cancelled)
        }
    }
}

extension RevertReason {
    /// The `Error(string)` message, if that is what the revert carried.
    var message: String? {
        if case .error(let message) = self { return message }
        return nil
    }

    /// The revert data as the contract returned it.
    var data: [UInt8] {
        switch self {
        case .empty: []
        case .error(let message): (try? Self.errorFunction.encodeCall([.string(message)])) ?? []
        case .panic(let code): (try? Self.panicFunction.encodeCall([.uint(code)])) ?? []
        case .custom(let data): data
        }
    }
}
