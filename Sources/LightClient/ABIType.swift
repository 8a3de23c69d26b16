/// A Solidity ABI type, as in a function signature: `uint256`, `bytes32[]`, `(address,string)[2]`…
public indirect enum ABIType: Hashable, Sendable {
    /// `uintN`, N a multiple of 8 in 8...256.
    case uint(bits: Int)
    /// `intN`, N a multiple of 8 in 8...256, two's complement.
    case int(bits: Int)
    /// `address`: 20 bytes, encoded like `uint160`.
    case address
    /// `bool`: encoded like `uint8` restricted to 0 and 1.
    case bool
    /// `bytesN`, N in 1...32, left-aligned in its word.
    case fixedBytes(Int)
    /// `bytes`: a dynamic byte string.
    case bytes
    /// `string`: dynamic UTF-8 text.
    case string
    /// `T[]`: a dynamic number of elements.
    case array(ABIType)
    /// `T[k]`: exactly `count` elements.
    case fixedArray(ABIType, count: Int)
    /// `(T1,…,Tn)`: a tuple (a struct).
    case tuple([ABIType])

    /// Whether the encoding's size depends on the value (then the head holds an offset to it).
    public var isDynamic: Bool {
        switch self {
        case .bytes, .string, .array: true
        case .fixedArray(let element, _): element.isDynamic
        case .tuple(let components): components.contains { $0.isDynamic }
        case .uint, .int, .address, .bool, .fixedBytes: false
        }
    }

    /// Bytes the type takes in its enclosing head: 32 for dynamic types (the offset), the whole encoding for static
    /// ones. Saturates at `Int.max` for absurd fixed-array sizes.
    public var headSize: Int {
        guard !isDynamic else { return 32 }
        switch self {
        case .fixedArray(let element, let count):
            let (size, overflow) = element.headSize.multipliedReportingOverflow(by: count)
            return overflow ? .max : size
        case .tuple(let components):
            var total = 0
            for component in components {
                let (sum, overflow) = total.addingReportingOverflow(component.headSize)
                if overflow { return .max }
                total = sum
            }
            return total
        default:
            return 32
        }
    }

    /// Checks sizes the enum cannot enforce for a type built in code rather than parsed: bits a multiple of 8 in
    /// 8...256, `bytesN` in 1...32, fixed arrays of at least one element, non-empty tuples, bounded nesting.
    func validate(depth: Int = 0) throws(ABIError) {
        func invalid(_ reason: String) -> ABIError { .invalidType(description, reason: reason) }
        guard depth < ABIParser.maxDepth else { throw invalid("nested deeper than \(ABIParser.maxDepth)") }
        switch self {
        case .uint(let bits), .int(let bits):
            guard bits % 8 == 0 && (8...256).contains(bits) else { throw invalid("bits must be 8...256 in steps of 8") }
        case .fixedBytes(let count):
            guard (1...32).contains(count) else { throw invalid("bytesN needs N in 1...32") }
        case .array(let element):
            try element.validate(depth: depth + 1)
        case .fixedArray(let element, let count):
            guard count > 0 else { throw invalid("a fixed array needs at least one element") }
            try element.validate(depth: depth + 1)
        case .tuple(let components):
            guard !components.isEmpty else { throw invalid("a tuple needs at least one component") }
            for component in components { try component.validate(depth: depth + 1) }
        case .address, .bool, .bytes, .string:
            break
        }
    }

    /// Whether the type is one word that an indexed event topic holds as is (not hashed).
    var isValueType: Bool {
        switch self {
        case .uint, .int, .address, .bool, .fixedBytes: true
        default: false
        }
    }
}

extension ABIType: CustomStringConvertible {
    /// The canonical spelling used in signatures: `uint256`, `(bool,bytes)[]`.
    public var description: String {
        switch self {
        case .uint(let bits): "uint\(bits)"
        case .int(let bits): "int\(bits)"
        case .address: "address"
        case .bool: "bool"
        case .fixedBytes(let count): "bytes\(count)"
        case .bytes: "bytes"
        case .string: "string"
        case .array(let element): "\(element)[]"
        case .fixedArray(let element, let count): "\(element)[\(count)]"
        case .tuple(let components): "(" + components.map(\.description).joined(separator: ",") + ")"
        }
    }
}

/// A value of an ABI type. Both `T[]` and `T[k]` take `.array`.
public indirect enum ABIValue: Hashable, Sendable {
    /// A `uintN` value.
    case uint(UInt256)
    /// An `intN` value.
    case int(Int256)
    /// An `address`.
    case address(Address)
    /// A `bool`.
    case bool(Bool)
    /// A `bytesN` value of exactly N bytes.
    case fixedBytes([UInt8])
    /// A `bytes` value.
    case bytes([UInt8])
    /// A `string` value.
    case string(String)
    /// The elements of `T[]` or `T[k]`.
    case array([ABIValue])
    /// The components of a tuple.
    case tuple([ABIValue])
}
