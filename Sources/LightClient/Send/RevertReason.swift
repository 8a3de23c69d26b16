import JSON
import System

/// Why a call reverted, decoded from its revert data.
public enum RevertReason: Sendable, Hashable {
    /// Reverted without data (`revert()`, `require(false)`, out of gas in some nodes).
    case empty
    /// `Error(string)`: `require(cond, "message")` or `revert("message")`.
    case error(String)
    /// `Panic(uint256)`: a failed assertion, overflow, division by zero… with its code.
    case panic(code: UInt256)
    /// Any other data: a custom error (its selector first) or malformed `Error`/`Panic` data.
    case custom(data: [UInt8])

    static let errorFunction = try! ABIFunction(signature: "Error(string)")  // a literal signature
    static let panicFunction = try! ABIFunction(signature: "Panic(uint256)")  // a literal signature

    /// Decodes untrusted revert data; anything that is neither a well-formed `Error` nor `Panic` is `.custom`.
    public init(revertData data: [UInt8]) {
        if data.isEmpty {
            self = .empty
        } else if let values = try? Self.errorFunction.decodeCall(data), case .string(let message) = values.first {
            self = .error(message)
        } else if let values = try? Self.panicFunction.decodeCall(data), case .uint(let code) = values.first {
            self = .panic(code: code)
        } else {
            self = .custom(data: data)
        }
    }

    /// The revert in a node's JSON-RPC error (`code` 3 or -32000 with "revert" in the message), `nil` for
    /// any other error. The data is a hex string in `data` (geth, Nitro) or in `data.data` (some providers).
    public init?(rpcError error: JSONRPCError) {
        guard case .rpc(let code, let message, let data) = error,
            code == 3 || TextSearch.contains(message.lowercased(), "revert")
        else { return nil }
        let hex = data?.stringValue ?? data?["data"]?.stringValue
        self.init(revertData: hex.flatMap { Hex.decode($0) } ?? [])
    }

    /// What a panic code means, per the Solidity documentation; `nil` for an unknown code.
    public static func panicMeaning(_ code: UInt256) -> String? {
        switch code.uint64Value {
        case 0x00: "generic compiler-inserted panic"
        case 0x01: "assertion failed"
        case 0x11: "arithmetic overflow or underflow"
        case 0x12: "division or modulo by zero"
        case 0x21: "conversion to an enum out of range"
        case 0x22: "incorrectly encoded storage byte array"
        case 0x31: "pop() on an empty array"
        case 0x32: "array index out of bounds"
        case 0x41: "too much memory allocated"
        case 0x51: "call to a zero-initialized internal function"
        default: nil
        }
    }
}

extension RevertReason: CustomStringConvertible {
    /// A line for errors and logs: the message, or the panic code with its meaning.
    public var description: String {
        switch self {
        case .empty: "reverted without a reason"
        case .error(let message): "reverted: \(message)"
        case .panic(let code):
            "panicked: 0x\(String(code.uint64Value ?? 0xff, radix: 16)) (\(Self.panicMeaning(code) ?? "unknown code"))"
        case .custom(let data): "reverted with custom error \(Hex.encode(data.prefix(4)))"
        }
    }
}
