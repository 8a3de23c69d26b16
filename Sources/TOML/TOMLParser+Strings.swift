/// The four TOML string forms: basic, literal, and their multi-line variants.
extension TOMLParser {
    /// `"..."` with escapes, on one line.
    mutating func parseBasicString() throws(TOMLError) -> String {
        index += 1
        var text: [UInt8] = []
        while true {
            guard let byte = peek() else { throw error(.unterminatedString) }
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                return String(decoding: text, as: UTF8.self)
            case UInt8(ascii: "\\"):
                try parseEscape(into: &text)
            case UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                throw error(.unterminatedString)
            default:
                guard !Self.isForbiddenControl(byte) else { throw unexpected("string text") }
                text.append(byte)
                index += 1
            }
        }
    }

    /// `'...'` without escapes, on one line.
    mutating func parseLiteralString() throws(TOMLError) -> String {
        index += 1
        let start = index
        while true {
            guard let byte = peek() else { throw error(.unterminatedString) }
            switch byte {
            case UInt8(ascii: "'"):
                index += 1
                return String(decoding: bytes[start..<index - 1], as: UTF8.self)
            case UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                throw error(.unterminatedString)
            default:
                guard !Self.isForbiddenControl(byte) else { throw unexpected("string text") }
                index += 1
            }
        }
    }

    /// `"""..."""` or `'''...'''`; a newline right after the opening delimiter is trimmed.
    mutating func parseMultilineString(quote: UInt8) throws(TOMLError) -> String {
        let isBasic = quote == UInt8(ascii: "\"")
        index += 3
        if peek() == UInt8(ascii: "\n") || (peek() == UInt8(ascii: "\r") && peek(1) == UInt8(ascii: "\n")) {
            try skipNewline()
        }
        var text: [UInt8] = []
        while true {
            guard let byte = peek() else { throw error(.unterminatedString) }
            switch byte {
            case quote where hasTriple(quote):
                var run = 3
                while peek(run) == quote { run += 1 }
                guard run <= 5 else {
                    throw error(.unexpectedCharacter(found: "'\(Unicode.Scalar(quote))'", expected: "end of string"))
                }
                text.append(contentsOf: repeatElement(quote, count: run - 3))
                index += run
                return String(decoding: text, as: UTF8.self)
            case UInt8(ascii: "\\") where isBasic:
                if isLineEndingBackslash() {
                    index += 1
                    while let next = peek(), [0x20, 0x09, 0x0A, 0x0D].contains(next) {
                        if next == 0x0D { try skipNewline() } else { index += 1 }
                    }
                } else {
                    try parseEscape(into: &text)
                }
            case UInt8(ascii: "\r"):
                try skipNewline()
                text.append(UInt8(ascii: "\n"))
            case UInt8(ascii: "\n"):
                text.append(byte)
                index += 1
            default:
                guard !Self.isForbiddenControl(byte) else { throw unexpected("string text") }
                text.append(byte)
                index += 1
            }
        }
    }

    /// Whether the backslash at `index` is followed only by spaces/tabs up to a newline.
    private func isLineEndingBackslash() -> Bool {
        var offset = 1
        while let byte = peek(offset), byte == 0x20 || byte == 0x09 { offset += 1 }
        return peek(offset) == 0x0A || (peek(offset) == 0x0D && peek(offset + 1) == 0x0A)
    }

    /// An escape sequence starting at the backslash at `index`; appends its UTF-8 bytes.
    private mutating func parseEscape(into text: inout [UInt8]) throws(TOMLError) {
        let start = index
        guard let code = peek(1) else { throw error(.unterminatedString) }
        index += 2
        switch code {
        case UInt8(ascii: "b"): text.append(0x08)
        case UInt8(ascii: "t"): text.append(0x09)
        case UInt8(ascii: "n"): text.append(0x0A)
        case UInt8(ascii: "f"): text.append(0x0C)
        case UInt8(ascii: "r"): text.append(0x0D)
        case UInt8(ascii: "\""): text.append(code)
        case UInt8(ascii: "\\"): text.append(code)
        case UInt8(ascii: "u"), UInt8(ascii: "U"):
            let digits = code == UInt8(ascii: "u") ? 4 : 8
            guard index + digits <= bytes.count,
                let value = UInt32(String(decoding: bytes[index..<index + digits], as: UTF8.self), radix: 16),
                bytes[index..<index + digits].allSatisfy({ $0 != UInt8(ascii: "+") && $0 != UInt8(ascii: "-") }),
                let scalar = Unicode.Scalar(value)
            else {
                let end = min(index + digits, bytes.count)
                throw error(.invalidEscape(escapeText(start..<end)), at: start)
            }
            index += digits
            UTF8.encode(scalar) { text.append($0) }
        default:
            throw error(.invalidEscape(escapeText(start..<index)), at: start)
        }
    }

    /// The source text of an escape for error messages, with control characters made visible.
    private func escapeText(_ range: Range<Int>) -> String {
        let slice = bytes[range].map { $0 < 0x20 || $0 == 0x7F ? UInt8(ascii: "?") : $0 }
        return String(decoding: slice, as: UTF8.self)
    }
}
