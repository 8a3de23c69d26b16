extension JSONParser {
    /// Parses a string whose opening quote is at `offset`; returns its unescaped contents.
    ///
    /// Fast path: a run without escapes is validated and copied in one step. Inside a string the bytes
    /// `"`, `\` and `< 0x20` never occur within a multi-byte UTF-8 sequence, so scanning byte by byte is safe.
    mutating func parseString() throws(JSONError) -> String {
        let start = offset + 1
        var cursor = start
        var sawNonASCII = false
        while cursor < bytes.count {
            let byte = bytes[cursor]
            if byte == UInt8(ascii: "\"") {
                offset = cursor + 1
                return try makeString(bytes[start..<cursor], contentStart: start, validate: sawNonASCII)
            }
            if byte == UInt8(ascii: "\\") {
                return try parseEscapedString(start: start, firstEscape: cursor, sawNonASCII: sawNonASCII)
            }
            if byte < 0x20 { throw .unexpectedByte(offset: cursor) }
            if byte >= 0x80 { sawNonASCII = true }
            cursor += 1
        }
        throw .unexpectedEnd
    }

    /// The slow path once the first escape is found: unescapes into a buffer.
    private mutating func parseEscapedString(
        start: Int,
        firstEscape: Int,
        sawNonASCII: Bool
    ) throws(JSONError) -> String {
        var sawNonASCII = sawNonASCII
        var buffer: [UInt8] = []
        buffer.reserveCapacity(firstEscape - start + 16)
        buffer.append(contentsOf: bytes[start..<firstEscape])
        var cursor = firstEscape
        while cursor < bytes.count {
            let byte = bytes[cursor]
            switch byte {
            case UInt8(ascii: "\""):
                offset = cursor + 1
                return try makeString(buffer, contentStart: start, validate: sawNonASCII)
            case UInt8(ascii: "\\"):
                cursor = try decodeEscape(at: cursor, into: &buffer)
            case 0..<0x20:
                throw .unexpectedByte(offset: cursor)
            default:
                if byte >= 0x80 { sawNonASCII = true }
                buffer.append(byte)
                cursor += 1
            }
        }
        throw .unexpectedEnd
    }

    /// Turns unescaped UTF-8 into a `String`, rejecting malformed UTF-8 with the offset of the first bad byte.
    private func makeString(
        _ utf8: some Collection<UInt8>,
        contentStart: Int,
        validate: Bool
    ) throws(JSONError) -> String {
        guard validate else { return String(decoding: utf8, as: UTF8.self) }
        if let string = String(validating: utf8, as: UTF8.self) { return string }
        // Escapes decode to complete UTF-8 sequences, so the first malformed byte is in the raw input.
        throw .invalidUTF8(offset: firstInvalidUTF8(from: contentStart) ?? contentStart)
    }

    /// Decodes the escape whose backslash is at `escapeStart`, appends its UTF-8, returns the offset after it.
    private func decodeEscape(at escapeStart: Int, into buffer: inout [UInt8]) throws(JSONError) -> Int {
        guard escapeStart + 1 < bytes.count else { throw .unexpectedEnd }
        let decoded: UInt8
        switch bytes[escapeStart + 1] {
        case UInt8(ascii: "\""): decoded = 0x22
        case UInt8(ascii: "\\"): decoded = 0x5C
        case UInt8(ascii: "/"): decoded = 0x2F
        case UInt8(ascii: "b"): decoded = 0x08
        case UInt8(ascii: "f"): decoded = 0x0C
        case UInt8(ascii: "n"): decoded = 0x0A
        case UInt8(ascii: "r"): decoded = 0x0D
        case UInt8(ascii: "t"): decoded = 0x09
        case UInt8(ascii: "u"): return try decodeUnicodeEscape(at: escapeStart, into: &buffer)
        default: throw .invalidEscape(offset: escapeStart)
        }
        buffer.append(decoded)
        return escapeStart + 2
    }

    /// Decodes `\uXXXX`, or a `\uD8xx\uDCxx` surrogate pair, at `escapeStart`; unpaired surrogates are rejected.
    private func decodeUnicodeEscape(at escapeStart: Int, into buffer: inout [UInt8]) throws(JSONError) -> Int {
        let unit = try hexQuad(at: escapeStart + 2, escapeStart: escapeStart)
        var next = escapeStart + 6
        let scalar: UInt32
        switch unit {
        case 0xD800...0xDBFF:
            guard next < bytes.count else { throw .unexpectedEnd }
            guard bytes[next] == UInt8(ascii: "\\") else { throw .invalidEscape(offset: escapeStart) }
            guard next + 1 < bytes.count else { throw .unexpectedEnd }
            guard bytes[next + 1] == UInt8(ascii: "u") else { throw .invalidEscape(offset: escapeStart) }
            let low = try hexQuad(at: next + 2, escapeStart: next)
            guard (0xDC00...0xDFFF).contains(low) else { throw .invalidEscape(offset: escapeStart) }
            scalar = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
            next += 6
        case 0xDC00...0xDFFF:
            throw .invalidEscape(offset: escapeStart)
        default:
            scalar = unit
        }
        Self.appendUTF8(scalar, to: &buffer)
        return next
    }

    /// The value of the four hex digits at `position`, part of the escape at `escapeStart`.
    private func hexQuad(at position: Int, escapeStart: Int) throws(JSONError) -> UInt32 {
        var value: UInt32 = 0
        for cursor in position..<position + 4 {
            guard cursor < bytes.count else { throw .unexpectedEnd }
            let byte = bytes[cursor]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte &- UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte &- UInt8(ascii: "a") &+ 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte &- UInt8(ascii: "A") &+ 10
            default: throw .invalidEscape(offset: escapeStart)
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }

    /// Appends the UTF-8 encoding of a Unicode scalar value (never a surrogate, at most 0x10FFFF).
    private static func appendUTF8(_ scalar: UInt32, to buffer: inout [UInt8]) {
        switch scalar {
        case 0..<0x80:
            buffer.append(UInt8(truncatingIfNeeded: scalar))
        case 0x80..<0x800:
            buffer.append(0xC0 | UInt8(truncatingIfNeeded: scalar >> 6))
            buffer.append(0x80 | UInt8(truncatingIfNeeded: scalar & 0x3F))
        case 0x800..<0x10000:
            buffer.append(0xE0 | UInt8(truncatingIfNeeded: scalar >> 12))
            buffer.append(0x80 | UInt8(truncatingIfNeeded: scalar >> 6 & 0x3F))
            buffer.append(0x80 | UInt8(truncatingIfNeeded: scalar & 0x3F))
        default:
            buffer.append(0xF0 | UInt8(truncatingIfNeeded: scalar >> 18))
            buffer.append(0x80 | UInt8(truncatingIfNeeded: scalar >> 12 & 0x3F))
            buffer.append(0x80 | UInt8(truncatingIfNeeded: scalar >> 6 & 0x3F))
            buffer.append(0x80 | UInt8(truncatingIfNeeded: scalar & 0x3F))
        }
    }
}
