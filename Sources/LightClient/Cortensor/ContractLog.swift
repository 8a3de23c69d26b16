public import JSON
import System

/// One log of a receipt or of `eth_getLogs`, as the node sent it (unverified).
public struct ContractLog: Sendable, Hashable {
    /// The emitting contract.
    public var address: Address
    /// The topics: for a non-anonymous event, the signature hash first.
    public var topics: [[UInt8]]
    /// The non-indexed values, ABI-encoded.
    public var data: [UInt8]
    /// The block the log is in, when the node says.
    public var blockNumber: UInt64?
    /// The transaction that emitted it, when the node says.
    public var transactionHash: [UInt8]?

    /// A log with these fields.
    public init(
        address: Address, topics: [[UInt8]], data: [UInt8], blockNumber: UInt64? = nil, transactionHash: [UInt8]? = nil
    ) {
        (self.address, self.topics, self.data) = (address, topics, data)
        (self.blockNumber, self.transactionHash) = (blockNumber, transactionHash)
    }

    /// Reads a log object of a receipt or of `eth_getLogs`.
    public init(json: JSONValue) throws(RPCValueError) {
        guard let object = json.objectValue, let addressValue = object["address"],
            let topicsValue = object["topics"]?.arrayValue, let dataValue = object["data"]
        else { throw RPCValueError("log lacks address, topics or data") }
        let addressBytes = try RPCQuantity.data(addressValue, count: Address.length)
        address = Address(bytes: addressBytes)!  // 20 bytes checked above
        topics = try topicsValue.map { (topic) throws(RPCValueError) in try RPCQuantity.data(topic, count: 32) }
        data = try RPCQuantity.data(dataValue)
        blockNumber = try object["blockNumber"].flatMap { (value) throws(RPCValueError) in
            value.isNull ? nil : try RPCQuantity.uint64(value)
        }
        transactionHash = try object["transactionHash"].flatMap { (value) throws(RPCValueError) in
            value.isNull ? nil : try RPCQuantity.data(value, count: 32)
        }
    }
}

/// The parts of a transaction receipt a contract binding needs.
public struct ContractReceipt: Sendable, Hashable {
    /// The transaction's hash.
    public var transactionHash: [UInt8]
    /// Whether execution succeeded (status 1).
    public var succeeded: Bool
    /// The block the transaction is in.
    public var blockNumber: UInt64
    /// The logs, in order.
    public var logs: [ContractLog]

    /// Reads a receipt object of `eth_getTransactionReceipt`.
    public init(json: JSONValue) throws(RPCValueError) {
        guard let object = json.objectValue, let hash = object["transactionHash"], let status = object["status"],
            let number = object["blockNumber"], let logs = object["logs"]?.arrayValue
        else { throw RPCValueError("receipt lacks transactionHash, status, blockNumber or logs") }
        transactionHash = try RPCQuantity.data(hash, count: 32)
        succeeded = try RPCQuantity.uint64(status) == 1
        blockNumber = try RPCQuantity.uint64(number)
        self.logs = try logs.map { (log) throws(RPCValueError) in try ContractLog(json: log) }
    }
}

extension JSONRPCClient {
    /// `eth_getTransactionReceipt`: the receipt, `nil` while the transaction is not mined.
    public func contractReceipt(_ transactionHash: [UInt8]) async throws(JSONRPCError) -> ContractReceipt? {
        try await request("eth_getTransactionReceipt", [.string(Hex.encode(transactionHash))]) {
            (value) throws(RPCValueError) -> ContractReceipt? in
            value.isNull ? nil : try ContractReceipt(json: value)
        }
    }
}
