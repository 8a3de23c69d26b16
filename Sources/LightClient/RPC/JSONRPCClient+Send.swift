public import JSON
import System

/// A message call for `eth_call` and `eth_estimateGas`.
public struct CallRequest: Sendable, Hashable {
    /// The caller.
    public var from: Address?
    /// The callee; `nil` for a creation.
    public var to: Address?
    /// Calldata or init code.
    public var data: [UInt8]
    /// Wei sent.
    public var value: UInt256
    /// A gas limit; `nil` lets the node choose.
    public var gas: UInt64?

    /// Creates a call.
    public init(from: Address? = nil, to: Address?, data: [UInt8], value: UInt256 = .zero, gas: UInt64? = nil) {
        (self.from, self.to, self.data, self.value, self.gas) = (from, to, data, value, gas)
    }

    /// The call object the methods take.
    public var json: JSONValue {
        var object = JSONObject()
        if let from { object["from"] = .string(Hex.encode(from.bytes)) }
        if let to { object["to"] = .string(Hex.encode(to.bytes)) }
        object["data"] = .string(Hex.encode(data))
        object["value"] = .string(value.hexString)
        if let gas { object["gas"] = .string(UInt256(gas).hexString) }
        return .object(object)
    }
}

// Calls the transaction sender needs.
extension JSONRPCClient {
    /// `eth_call` of `call` at `block`: the return data; a revert is a `.rpc` error (see `RevertReason`).
    public func call(_ call: CallRequest, at block: BlockTag = .latest) async throws(JSONRPCError) -> [UInt8] {
        try await request("eth_call", [call.json, block.json], decode: RPCQuantity.data)
    }

    /// Replays `call` on the state before block `number` (how a mined failure is explained): the node's error when
    /// it fails there, `nil` when it succeeds.
    public func replayError(of call: CallRequest, before number: UInt64) async -> JSONRPCError? {
        do throws(JSONRPCError) {
            _ = try await self.call(call, at: .number(number > 0 ? number - 1 : 0))
            return nil
        } catch {
            return error
        }
    }

    /// `eth_estimateGas` of `call`.
    public func estimateGas(_ call: CallRequest) async throws(JSONRPCError) -> UInt64 {
        try await request("eth_estimateGas", [call.json], decode: RPCQuantity.uint64)
    }

    /// `eth_getTransactionReceipt`: the receipt, `nil` while the transaction is not mined.
    public func receipt(of hash: [UInt8]) async throws(JSONRPCError) -> TransactionReceipt? {
        try await request("eth_getTransactionReceipt", [.string(Hex.encode(hash))]) {
            (value) throws(RPCValueError) -> TransactionReceipt? in
            if value.isNull { return nil }
            guard let object = value.objectValue else { throw RPCValueError("receipt is not an object") }
            return try TransactionReceipt(untrusted: object)
        }
    }
}
