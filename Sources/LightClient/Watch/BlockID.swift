public import JSON

/// A block as the watcher knows it: its number, its hash, and its parent's hash.
public struct BlockID: Sendable, Hashable {
    /// The block number.
    public var number: UInt64
    /// The block hash (32 bytes).
    public var hash: [UInt8]

    /// Creates a block identity.
    public init(number: UInt64, hash: [UInt8]) {
        self.number = number
        self.hash = hash
    }
}

/// The link of one block to its parent, read from an `eth_getBlockByNumber` object.
public struct BlockLink: Sendable, Hashable {
    /// The block itself.
    public var block: BlockID
    /// The hash of block `number - 1` on the branch this block is on.
    public var parentHash: [UInt8]

    /// Creates a link.
    public init(block: BlockID, parentHash: [UInt8]) {
        self.block = block
        self.parentHash = parentHash
    }

    /// Reads `number`, `hash` and `parentHash` of an untrusted block object; strict quantities and 32-byte hashes.
    public init(untrustedBlock object: JSONObject) throws(RPCValueError) {
        guard let number = object["number"], let hash = object["hash"], let parent = object["parentHash"] else {
            throw RPCValueError("block lacks number, hash or parentHash")
        }
        block = BlockID(number: try RPCQuantity.uint64(number), hash: try RPCQuantity.data(hash, count: 32))
        parentHash = try RPCQuantity.data(parent, count: 32)
    }
}
