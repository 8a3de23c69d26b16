/// Sends contract calls as signed transactions: the seam where a nonce manager and a fee policy plug in.
/// `DirectTransactionSender` is the simple version.
public protocol TransactionSending: Sendable {
    /// The sending account.
    var from: Address { get }

    /// Signs and submits a call of `data` to `to`; the transaction hash.
    func send(to: Address, data: [UInt8]) async throws(ContractError) -> [UInt8]
}

/// Signs an EIP-1559 transaction with the account's current nonce and fixed fees and submits it with
/// `eth_sendRawTransaction`. No queue: concurrent sends from one key race for the same nonce.
public struct DirectTransactionSender: TransactionSending {
    /// Per-gas fees of every transaction sent.
    public struct Fees: Sendable, Hashable {
        /// Most wei per gas paid, base fee included.
        public var maxFeePerGas: UInt256
        /// Tip per gas to the block producer.
        public var maxPriorityFeePerGas: UInt256

        /// Fees with these limits.
        public init(maxFeePerGas: UInt256, maxPriorityFeePerGas: UInt256) {
            (self.maxFeePerGas, self.maxPriorityFeePerGas) = (maxFeePerGas, maxPriorityFeePerGas)
        }
    }

    /// The signing key.
    let key: PrivateKey
    /// The chain id signed into every transaction.
    public let chainID: UInt256
    /// The chain's client.
    public let client: JSONRPCClient
    /// Gas limit of every transaction.
    public let gasLimit: UInt64
    /// Fees of every transaction.
    public let fees: Fees
    /// The address of `key`.
    public let from: Address

    /// A sender signing with `key` for chain `chainID`.
    public init(key: PrivateKey, chainID: UInt256, client: JSONRPCClient, gasLimit: UInt64, fees: Fees) {
        (self.key, self.chainID, self.client, self.gasLimit, self.fees) = (key, chainID, client, gasLimit, fees)
        self.from = key.address
    }

    /// Signs with the nonce `eth_getTransactionCount` reports for the latest block and submits.
    public func send(to: Address, data: [UInt8]) async throws(ContractError) -> [UInt8] {
        do {
            let nonce = try await client.transactionCount(of: from, at: .latest)
            let transaction = Transaction.eip1559(
                EIP1559Transaction(
                    chainID: chainID, nonce: nonce, maxPriorityFeePerGas: fees.maxPriorityFeePerGas,
                    maxFeePerGas: fees.maxFeePerGas, gasLimit: gasLimit, to: to, value: .zero, data: data))
            return try await client.sendRawTransaction(transaction.signed(with: key).rawBytes)
        } catch {
            throw .from(error)
        }
    }
}

extension TransactionSending {
    /// Sends a call of `function` with `arguments` to `contract`, waits for its receipt (`polls` tries `interval`
    /// apart) and requires that it succeeded.
    public func transact(
        _ function: ContractFunction, _ arguments: [ABIValue], on contract: ContractCaller, polls: Int = 40,
        interval: Duration = .milliseconds(250)
    ) async throws(ContractError) -> ContractReceipt {
        let calldata: [UInt8]
        do {
            calldata = try function.function.encodeCall(arguments)
        } catch {
            throw .abi(error)
        }
        let hash = try await send(to: contract.address, data: calldata)
        let receipt = try await contract.client.waitForReceipt(hash, polls: polls, interval: interval)
        guard receipt.succeeded else {
            throw await Self.explainFailure(of: receipt, from: from, to: contract, data: calldata)
        }
        return receipt
    }

    /// Why a mined transaction failed: the same call replayed with `eth_call` on the state before its block,
    /// `.reverted` with the reason when that reverts too, else `.transactionFailed`.
    private static func explainFailure(
        of receipt: ContractReceipt, from: Address, to contract: ContractCaller, data: [UInt8]
    ) async -> ContractError {
        let failed = ContractError.transactionFailed(hash: receipt.transactionHash)
        guard receipt.blockNumber > 0 else { return failed }
        let replay = CallRequest(from: from, to: contract.address, data: data)
        guard let error = await contract.client.replayError(of: replay, before: receipt.blockNumber) else {
            return failed
        }
        let explained = ContractError.from(error)
        guard case .reverted = explained else { return failed }
        return explained
    }
}

extension JSONRPCClient {
    /// The receipt of `transactionHash`, asked for up to `polls` times `interval` apart.
    public func waitForReceipt(
        _ transactionHash: [UInt8], polls: Int, interval: Duration
    ) async throws(ContractError) -> ContractReceipt {
        for poll in 0..<max(1, polls) {
            if poll > 0 {
                do {
                    try await Task.sleep(for: interval)
                } catch {
                    throw .rpc(.cancelled)
                }
            }
            let receipt: ContractReceipt?
            do {
                receipt = try await contractReceipt(transactionHash)
            } catch {
                throw .from(error)
            }
            if let receipt { return receipt }
        }
        throw .receiptMissing(hash: transactionHash)
    }
}
