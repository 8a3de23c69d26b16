import JSON
import System

/// Strict readers of named fields of an untrusted JSON object (a block, a proof, a receipt): each failure is a
/// `VerificationError.malformed` naming the field.
struct UntrustedFields {
    let object: JSONObject
    /// Prefix for field names in errors, e.g. "receipts[3].".
    let context: String

    init(_ object: JSONObject, context: String = "") {
        self.object = object
        self.context = context
    }

    init(_ value: JSONValue, field: String) throws(VerificationError) {
        guard let object = value.objectValue else { throw .malformed(field: field, reason: "not an object") }
        self.init(object, context: field + ".")
    }

    /// Whether `name` is present and not null.
    func has(_ name: String) -> Bool {
        object[name].map { !$0.isNull } ?? false
    }

    func value(_ name: String) throws(VerificationError) -> JSONValue {
        guard let value = object[name], !value.isNull else {
            throw .malformed(field: context + name, reason: "missing")
        }
        return value
    }

    func quantity(_ name: String) throws(VerificationError) -> UInt256 {
        try read(name) { (value) throws(RPCValueError) in try RPCQuantity.uint256(value) }
    }

    func uint64(_ name: String) throws(VerificationError) -> UInt64 {
        try read(name) { (value) throws(RPCValueError) in try RPCQuantity.uint64(value) }
    }

    func data(_ name: String, maxCount: Int) throws(VerificationError) -> [UInt8] {
        let bytes = try read(name) { (value) throws(RPCValueError) in try RPCQuantity.data(value) }
        guard bytes.count <= maxCount else {
            throw .malformed(field: context + name, reason: "\(bytes.count) bytes, at most \(maxCount) allowed")
        }
        return bytes
    }

    func data(_ name: String, count: Int) throws(VerificationError) -> [UInt8] {
        try read(name) { (value) throws(RPCValueError) in try RPCQuantity.data(value, count: count) }
    }

    /// A 256-bit word written as 1 to 64 hex digits after `0x`, leading zeros allowed (storage keys are echoed
    /// as the caller spelled them: padded data or a quantity).
    func word(_ name: String) throws(VerificationError) -> UInt256 {
        let text = try value(name).stringValue ?? ""
        let digits = text.utf8.dropFirst(2)
        guard text.utf8.starts(with: "0x".utf8), (1...64).contains(digits.count),
            digits.allSatisfy({ Hex.nibble($0) != nil }), let word = UInt256(hex: text)
        else { throw .malformed(field: context + name, reason: "not a 0x-prefixed word of 1 to 64 hex digits") }
        return word
    }

    func address(_ name: String) throws(VerificationError) -> Address {
        Address(bytes: try data(name, count: Address.length))!
    }

    /// An array of at most `maxCount` elements.
    func array(_ name: String, maxCount: Int) throws(VerificationError) -> [JSONValue] {
        guard let array = try value(name).arrayValue else {
            throw .malformed(field: context + name, reason: "not an array")
        }
        guard array.count <= maxCount else {
            throw .malformed(field: context + name, reason: "\(array.count) elements, at most \(maxCount) allowed")
        }
        return array
    }

    /// An array of data strings (proof nodes, topics), each of at most `maxBytes`.
    func dataArray(_ name: String, maxCount: Int, maxBytes: Int) throws(VerificationError) -> [[UInt8]] {
        var result: [[UInt8]] = []
        for (index, element) in try array(name, maxCount: maxCount).enumerated() {
            let field = "\(context)\(name)[\(index)]"
            guard let bytes = try? RPCQuantity.data(element) else {
                throw .malformed(field: field, reason: "not 0x-prefixed even-length hex")
            }
            guard bytes.count <= maxBytes else {
                throw .malformed(field: field, reason: "\(bytes.count) bytes, at most \(maxBytes) allowed")
            }
            result.append(bytes)
        }
        return result
    }

    private func read<Value>(
        _ name: String, _ decode: (JSONValue) throws(RPCValueError) -> Value
    ) throws(VerificationError) -> Value {
        let value = try value(name)
        do throws(RPCValueError) {
            return try decode(value)
        } catch {
            throw .malformed(field: context + name, reason: error.reason)
        }
    }
}
