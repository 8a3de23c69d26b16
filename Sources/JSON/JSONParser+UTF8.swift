extension JSONParser {
    /// The offset of the first byte, at or after `start` and before the string's closing quote, that begins a
    /// malformed UTF-8 sequence (Unicode Table 3-7: no overlongs, surrogates or values above U+10FFFF);
    /// `nil` if the string's raw bytes are well-formed.
    ///
    /// Only called on the error path, to locate what the standard library's validation rejected.
    func firstInvalidUTF8(from start: Int) -> Int? {
        var cursor = start
        while cursor < bytes.count {
            let lead = bytes[cursor]
            if lead == UInt8(ascii: "\"") { return nil }
            if lead == UInt8(ascii: "\\") {
                cursor += 2  // The escaped byte is ASCII; `\u` hex digits are checked as plain ASCII.
                continue
            }
            if lead < 0x80 {
                cursor += 1
                continue
            }
            let secondRange: ClosedRange<UInt8>
            let length: Int
            switch lead {
            case 0xC2...0xDF: (secondRange, length) = (0x80...0xBF, 2)
            case 0xE0: (secondRange, length) = (0xA0...0xBF, 3)
            case 0xE1...0xEC, 0xEE...0xEF: (secondRange, length) = (0x80...0xBF, 3)
            case 0xED: (secondRange, length) = (0x80...0x9F, 3)
            case 0xF0: (secondRange, length) = (0x90...0xBF, 4)
            case 0xF1...0xF3: (secondRange, length) = (0x80...0xBF, 4)
            case 0xF4: (secondRange, length) = (0x80...0x8F, 4)
            default: return cursor
            }
            guard cursor + length <= bytes.count, secondRange.contains(bytes[cursor + 1]) else { return cursor }
            for continuation in cursor + 2..<cursor + length where !(0x80...0xBF).contains(bytes[continuation]) {
                return cursor
            }
            cursor += length
        }
        return nil
    }
}
