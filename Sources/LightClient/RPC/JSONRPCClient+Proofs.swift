public import JSON
import System

// The raw material of verified reads (`eth_getProof`, blocks by hash, receipts) and `eth_feeHistory`. Results come
// back as the node sent them (objects checked only for shape): `Verify/` decodes and proves them.
extension JSONRPCClient {
    /// `eth_getProof`: the account and storage proof of `address` and `slots` at `block`, as the node sent it.
    public func proof(
        of address: Address, slots: [UInt256], at block: BlockTag, onEndpoint index: Int? = nil
    ) async throws(JSONRPCError) -> JSONObject {
        let keys = JSONValue.array(slots.map { .string(Hex.encode($0.bigEndianBytes)) })
        return try await call(
            "eth_getProof", [.string(Hex.encode(address.bytes)), keys, block.json], onEndpoint: index,
            decode: Self.object)
    }

    /// `eth_getBlockByHash` (without transaction bodies); `nil` if the node does not know the block.
    public func block(
        hash: [UInt8], onEndpoint index: Int? = nil
    ) async throws(JSONRPCError) -> JSONObject? {
        try await call(
            "eth_getBlockByHash", [.string(Hex.encode(hash)), false], onEndpoint: index, decode: Self.optionalObject)
    }

    /// `eth_getBlockByNumber` (without transaction bodies) on one endpoint or with failover.
    public func block(
        _ block: BlockTag, onEndpoint index: Int?
    ) async throws(JSONRPCError) -> JSONObject? {
        try await call("eth_getBlockByNumber", [block.json, false], onEndpoint: index, decode: Self.optionalObject)
    }

    /// `eth_getBlockReceipts`: every receipt of the block `hash`, as the node sent them; `nil` when the block is
    /// unknown.
    public func blockReceipts(
        hash: [UInt8], onEndpoint index: Int? = nil
    ) async throws(JSONRPCError) -> [JSONValue]? {
        try await call("eth_getBlockReceipts", [.string(Hex.encode(hash))], onEndpoint: index) {
            (value) throws(RPCValueError) -> [JSONValue]? in
            if value.isNull { return nil }
            guard let array = value.arrayValue else { throw RPCValueError("receipts are not an array") }
            return array
        }
    }

    /// `eth_getTransactionReceipt`; `nil` when the node knows no such (mined) transaction.
    public func transactionReceipt(
        hash: [UInt8], onEndpoint index: Int? = nil
    ) async throws(JSONRPCError) -> JSONValue? {
        try await call("eth_getTransactionReceipt", [.string(Hex.encode(hash))], onEndpoint: index) {
            (value) throws(RPCValueError) -> JSONValue? in value.isNull ? nil : value
        }
    }

    /// `eth_blockNumber` on one endpoint or with failover.
    public func blockNumber(onEndpoint index: Int?) async throws(JSONRPCError) -> UInt64 {
        try await call("eth_blockNumber", [], onEndpoint: index, decode: RPCQuantity.uint64)
    }

    /// `eth_feeHistory`: base fees and priority-fee percentiles of the `blockCount` blocks up to `newest`.
    public func feeHistory(
        blockCount: Int, newest: BlockTag = .latest, rewardPercentiles: [Double] = []
    ) async throws(JSONRPCError) -> FeeHistory {
        let params: [JSONValue] = [
            .string(UInt256(UInt64(max(0, blockCount))).hexString), newest.json,
            .array(rewardPercentiles.map { .double($0) }),
        ]
        return try await request("eth_feeHistory", params, decode: FeeHistory.init(json:))
    }

    private func call<Value>(
        _ method: String, _ params: [JSONValue], onEndpoint index: Int?,
        decode: (JSONValue) throws(RPCValueError) -> Value
    ) async throws(JSONRPCError) -> Value {
        if let index { return try await request(method, params, onEndpoint: index, decode: decode) }
        return try await request(method, params, decode: decode)
    }

    private static func object(_ value: JSONValue) throws(RPCValueError) -> JSONObject {
        guard let object = value.objectValue else { throw RPCValueError("result is not an object") }
        return object
    }

    private static func optionalObject(_ value: JSONValue) throws(RPCValueError) -> JSONObject? {
        value.isNull ? nil : try object(value)
    }
}

/// An `eth_feeHistory` result.
public struct FeeHistory: Sendable, Hashable {
    /// The first block of the range.
    public var oldestBlock: UInt64
    /// Base fee per gas of each block, plus the next block's (one more entry than blocks).
    public var baseFeePerGas: [UInt256]
    /// Fraction of the gas limit used by each block.
    public var gasUsedRatio: [Double]
    /// Per block, the priority fee at each requested percentile (empty when none were requested).
    public var reward: [[UInt256]]

    /// Creates a history.
    public init(oldestBlock: UInt64 = 0, baseFeePerGas: [UInt256], gasUsedRatio: [Double] = [], reward: [[UInt256]]) {
        (self.oldestBlock, self.baseFeePerGas) = (oldestBlock, baseFeePerGas)
        (self.gasUsedRatio, self.reward) = (gasUsedRatio, reward)
    }

    /// Reads a result strictly; a malformed one (or one without the next block's base fee) is rejected.
    public init(json value: JSONValue) throws(RPCValueError) {
        guard let object = value.objectValue, let oldest = object["oldestBlock"] else {
            throw RPCValueError("fee history lacks oldestBlock")
        }
        oldestBlock = try RPCQuantity.uint64(oldest)
        baseFeePerGas = try Self.quantities(object["baseFeePerGas"] ?? .null, "baseFeePerGas")
        guard !baseFeePerGas.isEmpty else { throw RPCValueError("fee history lacks base fees") }
        guard let ratios = object["gasUsedRatio"]?.arrayValue else { throw RPCValueError("gasUsedRatio missing") }
        gasUsedRatio = try ratios.map { (ratio) throws(RPCValueError) -> Double in
            guard let number = ratio.doubleValue else { throw RPCValueError("gasUsedRatio is not a number") }
            return number
        }
        reward = []
        if let rows = object["reward"]?.arrayValue {
            reward = try rows.map { (row) throws(RPCValueError) in try Self.quantities(row, "reward") }
        }
    }

    private static func quantities(_ value: JSONValue, _ name: String) throws(RPCValueError) -> [UInt256] {
        guard let array = value.arrayValue else { throw RPCValueError("\(name) is not an array") }
        return try array.map { (element) throws(RPCValueError) in try RPCQuantity.uint256(element) }
    }
}
