/// The GGML tensor types this reader supports, with GGML's type codes.
// swift-format-ignore: AlwaysUseLowerCamelCase
public enum TensorType: UInt32, Sendable, CaseIterable, CustomStringConvertible {
    case f32 = 0
    case f16 = 1
    case q4_0 = 2
    case q4_1 = 3
    case q5_0 = 6
    case q5_1 = 7
    case q8_0 = 8
    case q4_K = 12
    case q6_K = 14

    /// The number of elements in one block (1 for unquantized types).
    public var blockSize: Int {
        switch self {
        case .f32, .f16: 1
        case .q4_0, .q4_1, .q5_0, .q5_1, .q8_0: 32
        case .q4_K, .q6_K: 256
        }
    }

    /// The number of bytes one block takes.
    public var blockByteCount: Int {
        switch self {
        case .f32: 4
        case .f16: 2
        case .q4_0: 18  // f16 scale, 16 bytes of nibbles
        case .q4_1: 20  // f16 scale, f16 minimum, 16 bytes of nibbles
        case .q5_0: 22  // f16 scale, 32 fifth bits, 16 bytes of nibbles
        case .q5_1: 24  // f16 scale, f16 minimum, 32 fifth bits, 16 bytes of nibbles
        case .q8_0: 34  // f16 scale, 32 signed bytes
        case .q4_K: 144  // f16 scale, f16 minimum scale, 12 bytes of 6-bit scales and minimums, 128 bytes of nibbles
        case .q6_K: 210  // 128 bytes low nibbles, 64 bytes high 2-bit pairs, 16 signed scales, f16 scale
        }
    }

    /// GGML's name for the type.
    public var description: String {
        switch self {
        case .f32: "F32"
        case .f16: "F16"
        case .q4_0: "Q4_0"
        case .q4_1: "Q4_1"
        case .q5_0: "Q5_0"
        case .q5_1: "Q5_1"
        case .q8_0: "Q8_0"
        case .q4_K: "Q4_K"
        case .q6_K: "Q6_K"
        }
    }

    /// The bytes a row of `length` elements takes, or `nil` if `length` is not a whole number of blocks.
    public func rowByteCount(length: Int) -> Int? {
        guard length >= 0, length % blockSize == 0 else { return nil }
        let (byteCount, overflow) = (length / blockSize).multipliedReportingOverflow(by: blockByteCount)
        return overflow ? nil : byteCount
    }
}
