/// Turns token pieces into text as they stream, emitting only complete UTF-8 characters: a character split
/// across tokens comes out whole with the token that completes it. Invalid bytes become U+FFFD.
public struct UTF8StreamDecoder: Sendable {
    private var pending: [UInt8] = []

    public init() {}

    /// The text completed by `bytes`; an unfinished character at the end waits for the next call.
    public mutating func append(_ bytes: [UInt8]) -> String {
        pending.append(contentsOf: bytes)
        let cut = completePrefixLength(pending)
        defer { pending.removeFirst(cut) }
        return String(decoding: pending[..<cut], as: UTF8.self)
    }

    /// Whatever is left (an unfinished character becomes U+FFFD).
    public mutating func finish() -> String {
        defer { pending = [] }
        return String(decoding: pending, as: UTF8.self)
    }

    /// The length of `bytes` without a trailing incomplete (but so far valid) UTF-8 sequence.
    private func completePrefixLength(_ bytes: [UInt8]) -> Int {
        // A sequence is at most 4 bytes: look back for its lead byte among the last 3.
        for back in 1...min(3, bytes.count) {
            let byte = bytes[bytes.count - back]
            if byte & 0xC0 == 0x80 { continue }  // a continuation byte: keep looking
            let needed =
                switch byte {
                case 0xC2...0xDF: 2
                case 0xE0...0xEF: 3
                case 0xF0...0xF4: 4
                default: 1  // ASCII or an invalid lead: nothing to wait for
                }
            return needed > back ? bytes.count - back : bytes.count
        }
        return bytes.count
    }
}
