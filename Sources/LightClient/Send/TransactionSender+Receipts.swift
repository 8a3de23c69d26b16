extension TransactionSender {
    /// Polls for a receipt of any version of `pending` until `timeout` has passed. A failed transaction throws
    /// `.failed` with the revert reason replayed by `eth_call` on the state before its block.
    public func waitForReceipt(
        of pending: PendingTransaction, timeout: Duration
    ) async throws(SendError) -> TransactionReceipt {
        let deadline = ContinuousClock.now + timeout
        while true {
            for hash in pending.hashes.reversed() {
                if let receipt = try await rpc({ () throws(JSONRPCError) in try await client.receipt(of: hash) }) {
                    guard receipt.succeeded else {
                        throw .failed(receipt: receipt, reason: await revertReason(of: pending, in: receipt))
                    }
                    return receipt
                }
            }
            guard ContinuousClock.now < deadline else { throw .receiptTimeout(hash: pending.hash) }
            do {
                try await Task.sleep(for: min(policy.receiptPollInterval, deadline - ContinuousClock.now))
            } catch {
                throw .cancelled
            }
        }
    }

    /// Sends `request` and waits for it to be mined, replacing it (bumped fees, same nonce) whenever `stuckAfter`
    /// passes without a receipt, at most `maxReplacements` times; throws `.receiptTimeout` after `timeout`.
    public func sendAndWait(
        _ request: TransactionRequest, stuckAfter: Duration, timeout: Duration, maxReplacements: Int = 3
    ) async throws(SendError) -> TransactionReceipt {
        let deadline = ContinuousClock.now + timeout
        var pending = try await send(request)
        var replacements = 0
        while true {
            let left = deadline - ContinuousClock.now
            let patience = replacements < maxReplacements ? min(stuckAfter, left) : left
            do throws(SendError) {
                return try await waitForReceipt(of: pending, timeout: patience)
            } catch .receiptTimeout {
                guard ContinuousClock.now < deadline, replacements < maxReplacements else {
                    throw .receiptTimeout(hash: pending.hash)
                }
                pending = try await replace(pending)
                replacements += 1
            }
        }
    }

    /// Why the mined `pending` failed: the same call replayed on the state before `receipt`'s block, or `nil` if
    /// the replay does not revert (the failure depended on the block's other transactions) or cannot be made.
    func revertReason(of pending: PendingTransaction, in receipt: TransactionReceipt) async -> RevertReason? {
        let transaction = pending.transaction
        let call = CallRequest(
            from: address, to: transaction.to, data: transaction.data, value: transaction.value,
            gas: transaction.gasLimit)
        return await client.replayError(of: call, before: receipt.block.number).flatMap(RevertReason.init(rpcError:))
    }
}
