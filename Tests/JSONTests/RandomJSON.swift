import JSON
import TestSupport

/// Random finite JSON values covering every case, awkward strings and extreme numbers.
enum RandomJSON {
    static func value(depth: Int, using generator: inout SplitMix64) -> JSONValue {
        let choice = Int.random(in: 0..<(depth < 4 ? 9 : 6), using: &generator)
        switch choice {
        case 0: return .null
        case 1: return .bool(Bool.random(using: &generator))
        case 2: return .int(Int64(bitPattern: generator.next()) >> Int64.random(in: 0..<64, using: &generator))
        case 3:
            let double = Double(bitPattern: generator.next())
            return .double(double.isFinite ? double : 0.5)
        case 4, 5: return .string(string(using: &generator))
        case 6:
            let count = Int.random(in: 0..<5, using: &generator)
            return .array((0..<count).map { _ in value(depth: depth + 1, using: &generator) })
        default:
            var object = JSONObject()
            for _ in 0..<Int.random(in: 0..<12, using: &generator) {
                object[string(using: &generator)] = value(depth: depth + 1, using: &generator)
            }
            return .object(object)
        }
    }

    static func string(using generator: inout SplitMix64) -> String {
        let pool: [Unicode.Scalar] = [
            "a", "\"", "\\", "/", "\n", "\u{0}", "\u{1F}", "\u{7F}", "é", "€", "😀", "\u{2028}",
        ]
        var scalars = String.UnicodeScalarView()
        for _ in 0..<Int.random(in: 0..<8, using: &generator) {
            if Bool.random(using: &generator), let scalar = pool.randomElement(using: &generator) {
                scalars.append(scalar)
            } else if let scalar = Unicode.Scalar(UInt32.random(in: 0...0x10FFFF, using: &generator)) {
                scalars.append(scalar)
            }
        }
        return String(scalars)
    }
}
