public import JSON

/// One log as `eth_getLogs` returned it, with the block and transaction it belongs to.
public struct WatchedLog: Sendable, Hashable {
    /// The emitting contract.
    public var address: Address
    /// Topics (32 bytes each); the first is the event's signature hash unless the event is anonymous.
    public var topics: [[UInt8]]
    /// The non-indexed data.
    public var data: [UInt8]
    /// The block holding the log.
    public var block: BlockID
    /// The transaction that emitted it.
    public var transactionHash: [UInt8]
    /// Position of the log in its block.
    public var logIndex: UInt64

    /// Creates a log.
    public init(
        address: Address, topics: [[UInt8]], data: [UInt8], block: BlockID, transactionHash: [UInt8], logIndex: UInt64
    ) {
        (self.address, self.topics, self.data, self.block) = (address, topics, data, block)
        (self.transactionHash, self.logIndex) = (transactionHash, logIndex)
    }

    /// Reads an untrusted log object: every field present and well-formed, at most four topics.
    public init(untrustedLog object: JSONObject) throws(RPCValueError) {
        guard let addressValue = object["address"], let topicValues = object["topics"]?.arrayValue,
            let dataValue = object["data"], let number = object["blockNumber"], let hash = object["blockHash"],
            let transaction = object["transactionHash"], let index = object["logIndex"]
        else { throw RPCValueError("log lacks a field (or belongs to a pending block)") }
        guard topicValues.count <= 4 else { throw RPCValueError("log has \(topicValues.count) topics") }
        guard let parsedAddress = Address(bytes: try RPCQuantity.data(addressValue, count: Address.length)) else {
            throw RPCValueError("log address is not 20 bytes")
        }
        address = parsedAddress
        topics = try topicValues.map { (topic) throws(RPCValueError) in try RPCQuantity.data(topic, count: 32) }
        data = try RPCQuantity.data(dataValue)
        block = BlockID(number: try RPCQuantity.uint64(number), hash: try RPCQuantity.data(hash, count: 32))
        transactionHash = try RPCQuantity.data(transaction, count: 32)
        logIndex = try RPCQuantity.uint64(index)
    }
}

/// The logs of a confirmed block range, in chain order; the range may hold none.
public struct LogBatch: Sendable, Hashable {
    /// First block of the range.
    public var first: BlockID
    /// Last block of the range.
    public var last: BlockID
    /// The matching logs, ordered by block number and log index.
    public var logs: [WatchedLog]

    /// Creates a batch.
    public init(first: BlockID, last: BlockID, logs: [WatchedLog]) {
        (self.first, self.last, self.logs) = (first, last, logs)
    }
}

/// What a watcher hands its handler.
public enum LogWatchEvent: Sendable, Hashable {
    /// The logs of the next confirmed range.
    case logs(LogBatch)
    /// A reorganization replaced blocks already delivered: logs delivered from `fromBlock` on are void; the
    /// watcher re-delivers that range from the new branch next.
    case rewound(fromBlock: UInt64)
}

extension LogWatchEvent {
    /// Whether this is a range without logs: the cursor moves past it without bothering the handler.
    var isEmptyBatch: Bool {
        if case .logs(let batch) = self { batch.logs.isEmpty } else { false }
    }
}
