public import JSON
import System

// Typed `eth_*` calls. Values are parsed strictly; a malformed one is an invalid response of the endpoint that sent
// it (and the next endpoint is asked). Blocks and logs come back raw: verification happens elsewhere.
extension JSONRPCClient {
    /// `eth_chainId`.
    public func chainID() async throws(JSONRPCError) -> UInt64 {
        try await request("eth_chainId", decode: RPCQuantity.uint64)
    }

    /// `eth_blockNumber`: the number of the most recent block.
    public func blockNumber() async throws(JSONRPCError) -> UInt64 {
        try await request("eth_blockNumber", decode: RPCQuantity.uint64)
    }

    /// `eth_getBalance`: the balance of `address` in wei at `block`.
    public func balance(of address: Address, at block: BlockTag = .latest) async throws(JSONRPCError) -> UInt256 {
        try await request(
            "eth_getBalance", [.string(Hex.encode(address.bytes)), block.json], decode: RPCQuantity.uint256)
    }

    /// `eth_getTransactionCount`: the nonce of `address` at `block`.
    public func transactionCount(
        of address: Address, at block: BlockTag = .latest
    ) async throws(JSONRPCError) -> UInt64 {
        try await request(
            "eth_getTransactionCount", [.string(Hex.encode(address.bytes)), block.json], decode: RPCQuantity.uint64)
    }

    /// `eth_call`: the return data of calling `to` with `data` at `block`, without a transaction.
    public func call(to: Address, data: [UInt8], at block: BlockTag = .latest) async throws(JSONRPCError) -> [UInt8] {
        let message: JSONValue = ["to": .string(Hex.encode(to.bytes)), "data": .string(Hex.encode(data))]
        return try await request("eth_call", [message, block.json], decode: RPCQuantity.data)
    }

    /// `eth_getBlockByNumber`: the block object as the node sent it, `nil` if the node does not know the block.
    public func block(_ block: BlockTag, fullTransactions: Bool = false) async throws(JSONRPCError) -> JSONObject? {
        try await request("eth_getBlockByNumber", [block.json, .bool(fullTransactions)]) {
            (value) throws(RPCValueError) -> JSONObject? in
            if value.isNull { return nil }
            guard let object = value.objectValue else { throw RPCValueError("block is not an object") }
            return object
        }
    }

    /// `eth_sendRawTransaction`: submits a signed transaction; its hash as the node reports it.
    public func sendRawTransaction(_ signed: [UInt8]) async throws(JSONRPCError) -> [UInt8] {
        try await request("eth_sendRawTransaction", [.string(Hex.encode(signed))]) { (value) throws(RPCValueError) in
            try RPCQuantity.data(value, count: 32)
        }
    }

    /// `eth_getLogs`: the log objects matching `filter`, as the node sent them.
    public func logs(_ filter: LogFilter) async throws(JSONRPCError) -> [JSONObject] {
        try await request("eth_getLogs", [filter.json]) { (value) throws(RPCValueError) -> [JSONObject] in
            guard let array = value.arrayValue else { throw RPCValueError("logs are not an array") }
            return try array.map { (log) throws(RPCValueError) -> JSONObject in
                guard let object = log.objectValue else { throw RPCValueError("a log is not an object") }
                return object
            }
        }
    }
}
