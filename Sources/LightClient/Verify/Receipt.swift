public import JSON
import System

/// A log as proven by its block's receipts root.
public struct VerifiedLog: Sendable, Hashable {
    /// The emitting contract.
    public var address: Address
    /// The indexed topics (at most 4).
    public var topics: [[UInt8]]
    /// The non-indexed data.
    public var data: [UInt8]
    /// The block the log is in.
    public var block: BlockReference
    /// The position of its transaction in the block.
    public var transactionIndex: Int
    /// Its position among all logs of the block.
    public var logIndex: Int
}

/// A transaction receipt as a node sent it (`eth_getBlockReceipts`, `eth_getTransactionReceipt`): only the
/// consensus fields, which the receipts trie commits to. Not to be used before its block's root is checked.
public struct UntrustedReceipt: Sendable, Hashable {
    /// One log's consensus fields.
    public struct Log: Sendable, Hashable {
        /// The emitting contract.
        public var address: Address
        /// The indexed topics.
        public var topics: [[UInt8]]
        /// The data.
        public var data: [UInt8]
    }

    /// The EIP-2718 transaction type (0 for legacy; Arbitrum uses 0x64 and above).
    public var type: UInt8
    /// The status (1 success, 0 failure) or, before Byzantium, the 32-byte post-state root.
    public var statusOrRoot: [UInt8]
    /// Gas used by this and the earlier transactions of the block.
    public var cumulativeGasUsed: UInt64
    /// The receipt's bloom filter.
    public var logsBloom: [UInt8]
    /// The logs, in order.
    public var logs: [Log]
    /// The transaction's position in the block, as claimed.
    public var transactionIndex: Int
    /// The block hash, as claimed.
    public var blockHash: [UInt8]

    /// The most logs accepted in one receipt.
    public static let maxLogs = 4096
    /// The largest log data accepted, in bytes.
    public static let maxLogData = 1 << 20

    /// Reads a receipt object; `.malformed` for a missing or malformed field or oversized logs.
    public init(json value: JSONValue, field: String = "receipt") throws(VerificationError) {
        let fields = try UntrustedFields(value, field: field)
        let type = fields.has("type") ? try fields.uint64("type") : 0
        guard type < 0x80 else { throw .malformed(field: field + ".type", reason: "not a transaction type") }
        self.type = UInt8(type)
        if fields.has("status") {
            let status = try fields.uint64("status")
            guard status <= 1 else { throw .malformed(field: field + ".status", reason: "neither 0 nor 1") }
            statusOrRoot = status == 1 ? [1] : []
        } else {
            statusOrRoot = try fields.data("root", count: 32)
        }
        cumulativeGasUsed = try fields.uint64("cumulativeGasUsed")
        logsBloom = try fields.data("logsBloom", count: 256)
        guard let index = Int(exactly: try fields.uint64("transactionIndex")) else {
            throw .malformed(field: field + ".transactionIndex", reason: "too large")
        }
        transactionIndex = index
        blockHash = try fields.data("blockHash", count: 32)
        logs = []
        for (position, log) in try fields.array("logs", maxCount: Self.maxLogs).enumerated() {
            let entry = try UntrustedFields(log, field: "\(field).logs[\(position)]")
            logs.append(
                Log(
                    address: try entry.address("address"),
                    topics: try entry.dataArray("topics", maxCount: 4, maxBytes: 32),
                    data: try entry.data("data", maxCount: Self.maxLogData)))
        }
        for (position, log) in logs.enumerated() where log.topics.contains(where: { $0.count != 32 }) {
            throw .malformed(field: "\(field).logs[\(position)].topics", reason: "a topic is not 32 bytes")
        }
    }

    /// The receipt as the receipts trie stores it: `rlp([status, cumulativeGasUsed, logsBloom, logs])`, prefixed
    /// by the type byte for typed (EIP-2718) receipts.
    public var consensusEncoding: [UInt8] {
        let logItems = logs.map { log in
            RLPItem.list([.bytes(log.address.bytes), .list(log.topics.map { .bytes($0) }), .bytes(log.data)])
        }
        let body = RLPItem.list([
            .bytes(statusOrRoot), .uint(UInt256(cumulativeGasUsed)), .bytes(logsBloom), .list(logItems),
        ]).encoded
        return type == 0 ? body : [type] + body
    }
}

/// Verification of a block's receipts against its header.
public enum ReceiptsVerification {
    /// The block's logs, once `receipts` (all of the block's, in order) claim `header`'s block and positions and
    /// rebuild a receipts trie whose root is the header's `receiptsRoot`.
    public static func verify(
        _ receipts: [UntrustedReceipt], header: BlockHeader
    ) throws(VerificationError) -> [VerifiedLog] {
        let blockHash = header.hash
        for (index, receipt) in receipts.enumerated() {
            guard receipt.transactionIndex == index else {
                throw .receiptOutOfPlace(index: index, reason: "claims transaction index \(receipt.transactionIndex)")
            }
            guard receipt.blockHash == blockHash else {
                throw .receiptOutOfPlace(index: index, reason: "claims block \(Hex.encode(receipt.blockHash))")
            }
        }
        let root = MerklePatriciaTrie.orderedRoot(receipts.map(\.consensusEncoding))
        guard root == header.receiptsRoot else {
            throw .receiptsRootMismatch(expected: header.receiptsRoot, found: root)
        }
        return unverifiedLogs(receipts, header: header)
    }
}

extension MerklePatriciaTrie {
    /// The root of an ordered trie (transactions, receipts, withdrawals): item `i` stored under the key `rlp(i)`.
    public static func orderedRoot(_ items: [[UInt8]]) -> [UInt8] {
        MerklePatriciaTrie(
            items.enumerated().map { (key: RLPItem.uint(UInt256(UInt64($0.offset))).encoded, value: $0.element) }
        )
        .rootHash
    }
}

extension ReceiptsVerification {
    /// The most transactions (receipts) accepted in one block.
    public static let maxTransactions = 100_000

    /// The logs of `receipts` as claimed, without checking them (verification mode `none`).
    public static func unverifiedLogs(_ receipts: [UntrustedReceipt], header: BlockHeader) -> [VerifiedLog] {
        var logs: [VerifiedLog] = []
        for (index, receipt) in receipts.enumerated() {
            for log in receipt.logs {
                logs.append(
                    VerifiedLog(
                        address: log.address, topics: log.topics, data: log.data, block: header.id,
                        transactionIndex: index, logIndex: logs.count))
            }
        }
        return logs
    }
}
