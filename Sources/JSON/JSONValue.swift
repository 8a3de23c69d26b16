/// A JSON document or fragment, as parsed by `JSONValue.parse(_:limits:)` or built in code.
///
/// Equality is structural and order-sensitive for objects; `.int(1)` and `.double(1.0)` are different values.
public enum JSONValue: Sendable, Hashable {
    /// The `null` literal.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// An integer literal (no fraction, no exponent) whose value fits `Int64` exactly.
    case int(Int64)
    /// Any other number: one with a fraction or exponent, or an integer beyond `Int64`.
    case double(Double)
    /// A string, already unescaped.
    case string(String)
    /// An array, in document order.
    case array([JSONValue])
    /// An object whose keys keep their first-seen order.
    case object(JSONObject)
}

extension JSONValue {
    /// The member named `key` when this is an object holding it, otherwise `nil`.
    public subscript(key: String) -> JSONValue? {
        guard case .object(let object) = self else { return nil }
        return object[key]
    }

    /// The string payload, if this is a string.
    public var stringValue: String? {
        guard case .string(let string) = self else { return nil }
        return string
    }

    /// The integer payload; also a `.double` holding an integral value that fits `Int64` exactly.
    public var intValue: Int64? {
        switch self {
        case .int(let int): int
        case .double(let double): Self.exactInt64(double)
        default: nil
        }
    }

    /// `Int64(exactly:)` without its call to libm's `trunc` (the JSON module links nothing but the stdlib):
    /// within range, truncating and converting back is lossless exactly when `double` is integral.
    private static func exactInt64(_ double: Double) -> Int64? {
        guard double >= -0x1p63, double < 0x1p63 else { return nil }  // Also rejects NaN.
        let truncated = Int64(double)
        return Double(truncated) == double ? truncated : nil
    }

    /// The numeric payload as a `Double`; an `.int` converts (rounding beyond 2^53).
    public var doubleValue: Double? {
        switch self {
        case .int(let int): Double(int)
        case .double(let double): double
        default: nil
        }
    }

    /// The Boolean payload, if this is `true` or `false`.
    public var boolValue: Bool? {
        guard case .bool(let bool) = self else { return nil }
        return bool
    }

    /// The elements, if this is an array.
    public var arrayValue: [JSONValue]? {
        guard case .array(let array) = self else { return nil }
        return array
    }

    /// The members, if this is an object.
    public var objectValue: JSONObject? {
        guard case .object(let object) = self else { return nil }
        return object
    }

    /// Whether this is `null`.
    public var isNull: Bool {
        if case .null = self { true } else { false }
    }
}
