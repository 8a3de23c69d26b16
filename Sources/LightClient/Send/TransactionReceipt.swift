public import JSON

/// A mined transaction's receipt, as far as the sender needs it.
public struct TransactionReceipt: Sendable, Hashable {
    /// The transaction's hash.
    public var transactionHash: [UInt8]
    /// The block that holds it.
    public var block: BlockID
    /// Whether execution succeeded (status 1).
    public var succeeded: Bool
    /// Gas the transaction used.
    public var gasUsed: UInt64
    /// What was paid per gas.
    public var effectiveGasPrice: UInt256?
    /// The created contract, for a creation.
    public var contractAddress: Address?
    /// The logs it emitted.
    public var logs: [WatchedLog]

    /// Reads an untrusted `eth_getTransactionReceipt` result (post-Byzantium: a `status` field).
    public init(untrusted object: JSONObject) throws(RPCValueError) {
        guard let hash = object["transactionHash"], let number = object["blockNumber"],
            let blockHash = object["blockHash"], let status = object["status"], let gas = object["gasUsed"]
        else { throw RPCValueError("receipt lacks a field") }
        transactionHash = try RPCQuantity.data(hash, count: 32)
        block = BlockID(number: try RPCQuantity.uint64(number), hash: try RPCQuantity.data(blockHash, count: 32))
        switch try RPCQuantity.uint64(status) {
        case 0: succeeded = false
        case 1: succeeded = true
        default: throw RPCValueError("receipt status is neither 0 nor 1")
        }
        gasUsed = try RPCQuantity.uint64(gas)
        effectiveGasPrice = try object["effectiveGasPrice"].map { (price) throws(RPCValueError) in
            try RPCQuantity.uint256(price)
        }
        if let created = object["contractAddress"], !created.isNull {
            contractAddress = Address(bytes: try RPCQuantity.data(created, count: Address.length))
        }
        let logValues = object["logs"]?.arrayValue ?? []
        logs = try logValues.map { (log) throws(RPCValueError) -> WatchedLog in
            guard let log = log.objectValue else { throw RPCValueError("a receipt log is not an object") }
            return try WatchedLog(untrustedLog: log)
        }
    }
}
