public import JSON
import System

/// A block parameter of `eth_*` methods: a named tag or a number.
public enum BlockTag: Sendable, Hashable {
    /// The most recent block.
    case latest
    /// The genesis block.
    case earliest
    /// The pending state.
    case pending
    /// The latest safe head.
    case safe
    /// The latest finalized block.
    case finalized
    /// A block by number.
    case number(UInt64)

    /// The JSON-RPC spelling: a tag name or a hex quantity.
    public var json: JSONValue {
        switch self {
        case .latest: "latest"
        case .earliest: "earliest"
        case .pending: "pending"
        case .safe: "safe"
        case .finalized: "finalized"
        case .number(let number): .string(UInt256(number).hexString)
        }
    }
}

/// The criteria of `eth_getLogs`.
public struct LogFilter: Sendable, Hashable {
    /// First block of the range (inclusive); ignored with `blockHash`.
    public var fromBlock: BlockTag?
    /// Last block of the range (inclusive); ignored with `blockHash`.
    public var toBlock: BlockTag?
    /// One block by hash instead of a range.
    public var blockHash: [UInt8]?
    /// Emitting contracts; empty means any.
    public var addresses: [Address]
    /// Per topic position, the accepted values (`nil` or empty: any).
    public var topics: [[[UInt8]]?]

    /// Creates a filter over a block range.
    public init(
        fromBlock: BlockTag? = nil, toBlock: BlockTag? = nil, blockHash: [UInt8]? = nil, addresses: [Address] = [],
        topics: [[[UInt8]]?] = []
    ) {
        self.fromBlock = fromBlock
        self.toBlock = toBlock
        self.blockHash = blockHash
        self.addresses = addresses
        self.topics = topics
    }

    /// The filter object `eth_getLogs` takes.
    public var json: JSONValue {
        var object = JSONObject()
        if let blockHash {
            object["blockHash"] = .string(Hex.encode(blockHash))
        } else {
            object["fromBlock"] = fromBlock?.json
            object["toBlock"] = toBlock?.json
        }
        if !addresses.isEmpty {
            object["address"] = .array(addresses.map { .string(Hex.encode($0.bytes)) })
        }
        if !topics.isEmpty {
            object["topics"] = .array(
                topics.map { alternatives in
                    guard let alternatives, !alternatives.isEmpty else { return .null }
                    return .array(alternatives.map { .string(Hex.encode($0)) })
                })
        }
        return .object(object)
    }
}
