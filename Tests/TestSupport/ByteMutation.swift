/// Seeded mutation for fuzz-style tests: a valid seed input with a few random edits, so parsers are driven past
/// their first checks into their deeper states.
public enum ByteMutation {
    /// `seed` with 1–4 random edits: a byte removed, a byte replaced, a token inserted, or a span of up to 15 bytes
    /// duplicated. `tokens` must not be empty.
    public static func mutate(_ seed: [UInt8], tokens: [[UInt8]], using random: inout SplitMix64) -> [UInt8] {
        var bytes = seed
        for _ in 0..<Int.random(in: 1...4, using: &random) {
            let position = Int.random(in: 0...bytes.count, using: &random)
            switch Int.random(in: 0..<4, using: &random) {
            case 0 where position < bytes.count:
                bytes.remove(at: position)
            case 1 where position < bytes.count:
                bytes[position] = UInt8.random(in: 0...255, using: &random)
            case 2:
                bytes.insert(contentsOf: tokens.randomElement(using: &random)!, at: position)
            default:
                let end = min(bytes.count, position + Int.random(in: 0..<16, using: &random))
                bytes.insert(contentsOf: bytes[position..<end], at: position)
            }
        }
        return bytes
    }
}
