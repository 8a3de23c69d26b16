/// The type code of a GGUF metadata value.
public enum GGUFValueType: UInt32, Sendable, CaseIterable {
    case uint8 = 0, int8, uint16, int16, uint32, int32, float32, bool, string, array, uint64, int64, float64

    /// The smallest number of bytes a value of this type takes in a file (arrays: element type + count).
    var minimumByteCount: Int {
        switch self {
        case .uint8, .int8, .bool: 1
        case .uint16, .int16: 2
        case .uint32, .int32, .float32: 4
        case .uint64, .int64, .float64, .string: 8
        case .array: 12
        }
    }
}

/// One GGUF metadata value.
public enum GGUFValue: Sendable, Equatable {
    case uint8(UInt8)
    case int8(Int8)
    case uint16(UInt16)
    case int16(Int16)
    case uint32(UInt32)
    case int32(Int32)
    case uint64(UInt64)
    case int64(Int64)
    case float32(Float)
    case float64(Double)
    case bool(Bool)
    case string(String)
    /// An array of values that all have `elementType` (itself possibly `.array`).
    case array(elementType: GGUFValueType, [GGUFValue])

    /// The value's type code.
    public var type: GGUFValueType {
        switch self {
        case .uint8: .uint8
        case .int8: .int8
        case .uint16: .uint16
        case .int16: .int16
        case .uint32: .uint32
        case .int32: .int32
        case .uint64: .uint64
        case .int64: .int64
        case .float32: .float32
        case .float64: .float64
        case .bool: .bool
        case .string: .string
        case .array: .array
        }
    }

    /// Any integer value that fits an `Int`, whatever its width and signedness.
    public var int: Int? {
        switch self {
        case .uint8(let value): Int(value)
        case .int8(let value): Int(value)
        case .uint16(let value): Int(value)
        case .int16(let value): Int(value)
        case .uint32(let value): Int(value)
        case .int32(let value): Int(value)
        case .uint64(let value): Int(exactly: value)
        case .int64(let value): Int(exactly: value)
        default: nil
        }
    }

    /// A `float32` or `float64` value.
    public var double: Double? {
        switch self {
        case .float32(let value): Double(value)
        case .float64(let value): value
        default: nil
        }
    }

    /// A `float32` value.
    public var float: Float? {
        if case .float32(let value) = self { value } else { nil }
    }

    /// A `bool` value.
    public var bool: Bool? {
        if case .bool(let value) = self { value } else { nil }
    }

    /// A `string` value.
    public var string: String? {
        if case .string(let value) = self { value } else { nil }
    }

    /// The elements of an array value.
    public var array: [GGUFValue]? {
        if case .array(_, let elements) = self { elements } else { nil }
    }

    /// The elements of an array of strings.
    public var strings: [String]? {
        guard case .array(.string, let elements) = self else { return nil }
        return elements.compactMap(\.string)
    }

    /// The elements of an array of `float32`.
    public var floats: [Float]? {
        guard case .array(.float32, let elements) = self else { return nil }
        return elements.compactMap(\.float)
    }

    /// The elements of an array of integers (any width) that fit an `Int`.
    public var ints: [Int]? {
        guard case .array(let type, let elements) = self, type != .array, type != .string else { return nil }
        let values = elements.compactMap(\.int)
        return values.count == elements.count ? values : nil
    }
}
