public import JSON
import System

/// Strict readers for JSON-RPC value encodings: quantities (`0x`-prefixed hex, no leading zeros except `0x0`) and
/// data (`0x`-prefixed, even-length hex).
public enum RPCQuantity {
    /// The most hex digits a 256-bit quantity can have.
    static let maxDigits = 64

    /// `value` as a 256-bit quantity.
    public static func uint256(_ value: JSONValue) throws(RPCValueError) -> UInt256 {
        guard let text = value.stringValue else { throw RPCValueError("quantity is not a string") }
        let utf8 = Array(text.utf8)
        guard utf8.count > 2, utf8[0] == UInt8(ascii: "0"), utf8[1] == UInt8(ascii: "x") else {
            throw RPCValueError("quantity lacks the 0x prefix or digits")
        }
        let digits = utf8[2...]
        guard digits.count == 1 || digits.first != UInt8(ascii: "0") else {
            throw RPCValueError("quantity has leading zeros")
        }
        guard digits.count <= maxDigits else { throw RPCValueError("quantity exceeds 256 bits") }
        guard digits.allSatisfy({ Hex.nibble($0) != nil }), let parsed = UInt256(hex: text) else {
            throw RPCValueError("quantity has a non-hex digit")
        }
        return parsed
    }

    /// `value` as a quantity that fits 64 bits (block numbers, chain ids, nonces).
    public static func uint64(_ value: JSONValue) throws(RPCValueError) -> UInt64 {
        guard let small = try uint256(value).uint64Value else { throw RPCValueError("quantity exceeds 64 bits") }
        return small
    }

    /// `value` as data: `0x` followed by an even number of hex digits.
    public static func data(_ value: JSONValue) throws(RPCValueError) -> [UInt8] {
        guard let text = value.stringValue, text.utf8.starts(with: "0x".utf8), let bytes = Hex.decode(text) else {
            throw RPCValueError("data is not 0x-prefixed even-length hex")
        }
        return bytes
    }

    /// `value` as data of exactly `count` bytes (hashes, addresses).
    public static func data(_ value: JSONValue, count: Int) throws(RPCValueError) -> [UInt8] {
        let bytes = try data(value)
        guard bytes.count == count else { throw RPCValueError("data has \(bytes.count) bytes, expected \(count)") }
        return bytes
    }
}
