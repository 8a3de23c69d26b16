/// Byte-level helpers of the parser: whitespace, comments, line ends and error positions.
extension TOMLParser {
    func peek(_ offset: Int = 0) -> UInt8? {
        index + offset < bytes.count ? bytes[index + offset] : nil
    }

    /// Whether the next three bytes are `quote` (a multi-line string delimiter).
    func hasTriple(_ quote: UInt8) -> Bool {
        peek() == quote && peek(1) == quote && peek(2) == quote
    }

    /// Skips spaces and tabs.
    mutating func skipSpaces() {
        while let byte = peek(), byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") { index += 1 }
    }

    /// Skips spaces, tabs, comments and newlines (inside arrays).
    mutating func skipBlank() throws(TOMLError) {
        while true {
            skipSpaces()
            switch peek() {
            case UInt8(ascii: "#"): try skipComment()
            case UInt8(ascii: "\n"), UInt8(ascii: "\r"): try skipNewline()
            default: return
            }
        }
    }

    /// Consumes `\n` or `\r\n`; a bare carriage return is an error.
    mutating func skipNewline() throws(TOMLError) {
        if peek() == UInt8(ascii: "\r") {
            guard peek(1) == UInt8(ascii: "\n") else { throw unexpected("'\\n' after '\\r'") }
            index += 2
        } else {
            index += 1
        }
    }

    /// Consumes a comment up to (not including) the end of its line.
    mutating func skipComment() throws(TOMLError) {
        index += 1
        while let byte = peek(), byte != UInt8(ascii: "\n") {
            if byte == UInt8(ascii: "\r") && peek(1) == UInt8(ascii: "\n") { return }
            guard !Self.isForbiddenControl(byte) else { throw unexpected("comment text") }
            index += 1
        }
    }

    /// After a key/value or header: optional spaces and comment, then a newline or the end.
    mutating func expectLineEnd() throws(TOMLError) {
        skipSpaces()
        if peek() == UInt8(ascii: "#") { try skipComment() }
        guard let byte = peek() else { return }
        guard byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") else { throw unexpected("end of line") }
        try skipNewline()
    }

    /// Skips spaces, then consumes `byte` or throws.
    mutating func expect(_ byte: UInt8, _ expected: String) throws(TOMLError) {
        skipSpaces()
        guard peek() == byte else { throw unexpected(expected) }
        index += 1
    }

    /// Control characters other than tab may not appear in comments or strings.
    static func isForbiddenControl(_ byte: UInt8) -> Bool {
        (byte < 0x20 && byte != UInt8(ascii: "\t")) || byte == 0x7F
    }

    /// An error at the current position saying what was found instead of `expected`.
    func unexpected(_ expected: String) -> TOMLError {
        guard let byte = peek() else { return error(.unexpectedEnd(expected: expected)) }
        let found: String
        switch byte {
        case UInt8(ascii: "\n"), UInt8(ascii: "\r"): found = "end of line"
        case 0x21...0x7E: found = "'\(Character(Unicode.Scalar(byte)))'"
        case UInt8(ascii: " "): found = "space"
        case UInt8(ascii: "\t"): found = "tab"
        case 0x80...: found = "non-ASCII character"
        default: found = "control character 0x\(String(byte, radix: 16))"
        }
        return error(.unexpectedCharacter(found: found, expected: expected))
    }

    /// An error located at `offset` (default: the current position), with a 1-based line and byte column.
    func error(_ kind: TOMLError.Kind, at offset: Int? = nil) -> TOMLError {
        let end = min(offset ?? index, bytes.count)
        var line = 1
        var lineStart = 0
        for position in 0..<end where bytes[position] == UInt8(ascii: "\n") {
            line += 1
            lineStart = position + 1
        }
        return TOMLError(line: line, column: end - lineStart + 1, kind: kind)
    }
}
