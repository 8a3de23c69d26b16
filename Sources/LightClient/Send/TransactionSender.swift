import System

/// What to send; the sender fills in nonce, fees and (unless given) the gas limit.
public struct TransactionRequest: Sendable, Hashable {
    /// The recipient; `nil` creates a contract.
    public var to: Address?
    /// Calldata or init code.
    public var data: [UInt8]
    /// Wei sent.
    public var value: UInt256
    /// A fixed gas limit; `nil` estimates it (with headroom).
    public var gasLimit: UInt64?

    /// Creates a request.
    public init(to: Address?, data: [UInt8], value: UInt256 = .zero, gasLimit: UInt64? = nil) {
        (self.to, self.data, self.value, self.gasLimit) = (to, data, value, gasLimit)
    }
}

/// A sent transaction that may not be mined yet: its latest signed version and the hashes of every version
/// (a replaced one may still be the one mined).
public struct PendingTransaction: Sendable, Hashable {
    /// The latest version sent.
    public var transaction: EIP1559Transaction
    /// Hashes of every version sent, oldest first; the last is the latest.
    public var hashes: [[UInt8]]

    /// The latest version's hash.
    public var hash: [UInt8] { hashes[hashes.count - 1] }
}

/// Why sending a transaction failed.
public enum SendError: Error, Sendable, Equatable {
    /// Gas estimation (or a call) reverted.
    case reverted(RevertReason)
    /// The transaction was mined and failed; the reason replayed with `eth_call` before its block, if any.
    case failed(receipt: TransactionReceipt, reason: RevertReason?)
    /// No version was mined within the time allowed.
    case receiptTimeout(hash: [UInt8])
    /// A node request failed.
    case rpc(JSONRPCError)
    /// The awaiting task was cancelled.
    case cancelled
}

/// Sends EIP-1559 transactions from one key: nonces from a shared `NonceManager`, fees from `eth_feeHistory`,
/// gas from `eth_estimateGas` with headroom, receipts polled with a deadline, stuck transactions replaced at the
/// same nonce with fees bumped past the nodes' 10% rule, and failures explained by their revert reason.
public actor TransactionSender {
    /// Settings of one sender.
    public struct Policy: Sendable, Hashable {
        /// How fees are chosen.
        public var fees: FeePolicy
        /// The gas limit is the estimate times this, in percent.
        public var gasHeadroomPercent: UInt64
        /// How much a replacement raises both fees, in percent (nodes require at least 10).
        public var replacementBumpPercent: UInt64
        /// The pause between receipt polls.
        public var receiptPollInterval: Duration

        /// Creates a policy.
        public init(
            fees: FeePolicy = FeePolicy(), gasHeadroomPercent: UInt64 = 125, replacementBumpPercent: UInt64 = 12,
            receiptPollInterval: Duration = .seconds(2)
        ) {
            (self.fees, self.gasHeadroomPercent) = (fees, gasHeadroomPercent)
            self.replacementBumpPercent = max(10, replacementBumpPercent)
            self.receiptPollInterval = receiptPollInterval
        }
    }

    private let key: PrivateKey
    /// The sending address.
    public nonisolated let address: Address
    /// The chain id transactions are signed for.
    public nonisolated let chainID: UInt64
    let client: JSONRPCClient
    let nonces: NonceManager
    let policy: Policy

    /// A sender for `key` on chain `chainID`, sharing `nonces` with every other sender of the process.
    public init(key: PrivateKey, chainID: UInt64, client: JSONRPCClient, nonces: NonceManager, policy: Policy = .init())
    {
        self.key = key
        self.address = key.address
        (self.chainID, self.client, self.nonces, self.policy) = (chainID, client, nonces, policy)
    }

    /// Estimates gas and fees, reserves a nonce, signs and broadcasts `request`. A node refusing the nonce
    /// ("nonce too low": the key was used elsewhere) resynchronizes the nonce and tries once more.
    public func send(_ request: TransactionRequest) async throws(SendError) -> PendingTransaction {
        var gasLimit = request.gasLimit ?? 0
        if request.gasLimit == nil { gasLimit = try await estimateGas(request) }
        let fees = try await suggestedFees()
        for attempt in 0..<2 {
            let nonce = try await rpc { () throws(JSONRPCError) in try await nonces.reserve(for: address) }
            let transaction = EIP1559Transaction(
                chainID: UInt256(chainID), nonce: nonce, maxPriorityFeePerGas: fees.maxPriorityFeePerGas,
                maxFeePerGas: fees.maxFeePerGas, gasLimit: gasLimit, to: request.to, value: request.value,
                data: request.data)
            do throws(SendError) {
                return PendingTransaction(transaction: transaction, hashes: [try await broadcast(transaction)])
            } catch {
                await nonces.invalidate(address)
                guard attempt == 0, case .rpc(.rpc(_, let message, _)) = error,
                    TextSearch.contains(message.lowercased(), "nonce too low")
                else { throw error }
            }
        }
        preconditionFailure("the second attempt returns or throws")
    }

    /// Sends `pending` again at the same nonce with both fees bumped by the policy (and at least today's
    /// suggestion), so nodes accept it as a replacement; the result knows every version's hash.
    public func replace(_ pending: PendingTransaction) async throws(SendError) -> PendingTransaction {
        var transaction = pending.transaction
        let old = FeeSuggestion(
            maxFeePerGas: transaction.maxFeePerGas, maxPriorityFeePerGas: transaction.maxPriorityFeePerGas)
        let fees = old.bumped(percent: policy.replacementBumpPercent).atLeast(try await suggestedFees())
        transaction.maxFeePerGas = fees.maxFeePerGas
        transaction.maxPriorityFeePerGas = fees.maxPriorityFeePerGas
        let hash = try await broadcast(transaction)
        return PendingTransaction(transaction: transaction, hashes: pending.hashes + [hash])
    }

    /// Signs and submits `transaction`; its hash.
    private func broadcast(_ transaction: EIP1559Transaction) async throws(SendError) -> [UInt8] {
        let signed = Transaction.eip1559(transaction).signed(with: key)
        _ = try await rpc { () throws(JSONRPCError) in try await client.sendRawTransaction(signed.rawBytes) }
        return signed.hash
    }

    /// `eth_estimateGas` from this key, times the headroom; a revert is `.reverted` with its reason.
    func estimateGas(_ request: TransactionRequest) async throws(SendError) -> UInt64 {
        let call = CallRequest(from: address, to: request.to, data: request.data, value: request.value)
        let estimate = try await rpc { () throws(JSONRPCError) in try await client.estimateGas(call) }
        let (scaled, overflow) = estimate.multipliedReportingOverflow(by: policy.gasHeadroomPercent)
        return overflow ? .max : scaled / 100
    }

    /// Fees per the policy from the node's recent history.
    func suggestedFees() async throws(SendError) -> FeeSuggestion {
        let history = try await rpc { () throws(JSONRPCError) in
            try await client.feeHistory(
                blockCount: Int(policy.fees.blocks), rewardPercentiles: [policy.fees.rewardPercentile])
        }
        return policy.fees.suggest(from: history)
    }

    /// Runs a node request; a revert becomes `.reverted`, cancellation `.cancelled`, anything else `.rpc`.
    func rpc<Value>(
        _ body: () async throws(JSONRPCError) -> Value
    ) async throws(SendError) -> Value {
        do throws(JSONRPCError) {
            return try await body()
        } catch .cancelled {
            throw .cancelled
        } catch {
            if let reason = RevertReason(rpcError: error) { throw .reverted(reason) }
            throw .rpc(error)
        }
    }
}
