/// Values: strings, numbers, booleans, arrays and inline tables.
extension TOMLParser {
    /// Parses one value at the current position; `depth` counts enclosing arrays, inline tables and key parts.
    mutating func parseValue(depth: Int) throws(TOMLError) -> TOMLValue {
        guard depth <= limits.maxDepth else { throw error(.tooDeep(limit: limits.maxDepth)) }
        guard let byte = peek() else { throw error(.unexpectedEnd(expected: "a value")) }
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "'"):
            if hasTriple(byte) { return .string(try parseMultilineString(quote: byte)) }
            return .string(byte == UInt8(ascii: "\"") ? try parseBasicString() : try parseLiteralString())
        case UInt8(ascii: "["):
            return try parseArray(depth: depth)
        case UInt8(ascii: "{"):
            return try parseInlineTable(depth: depth)
        default:
            return try parseBareValue()
        }
    }

    /// `[v, v, ...]`, possibly over several lines, with comments and a trailing comma.
    private mutating func parseArray(depth: Int) throws(TOMLError) -> TOMLValue {
        index += 1
        var items: [TOMLValue] = []
        while true {
            try skipBlank()
            if peek() == UInt8(ascii: "]") {
                index += 1
                return .array(items)
            }
            items.append(try parseValue(depth: depth + 1))
            try skipBlank()
            switch peek() {
            case UInt8(ascii: ","):
                index += 1
            case UInt8(ascii: "]"):
                index += 1
                return .array(items)
            default:
                throw unexpected("',' or ']' in the array")
            }
        }
    }

    /// `{ k = v, ... }` on one line, without a trailing comma; it cannot be extended afterwards.
    private mutating func parseInlineTable(depth: Int) throws(TOMLError) -> TOMLValue {
        index += 1
        let table = TOMLNode(origin: .explicit)
        skipSpaces()
        if peek() == UInt8(ascii: "}") {
            index += 1
            return .table(table.table())
        }
        while true {
            try parseKeyValue(into: table, depth: depth + 1)
            skipSpaces()
            switch peek() {
            case UInt8(ascii: ","):
                index += 1
            case UInt8(ascii: "}"):
                index += 1
                return .table(table.table())
            default:
                throw unexpected("',' or '}' in the inline table")
            }
        }
    }

    /// Booleans, integers and floats: a run of bare characters, classified afterwards.
    private mutating func parseBareValue() throws(TOMLError) -> TOMLValue {
        let start = index
        while let byte = peek(),
            TOMLSyntax.isBareKeyByte(byte) || byte == UInt8(ascii: "+") || byte == UInt8(ascii: ".")
                || byte == UInt8(ascii: ":")
        {
            index += 1
        }
        let token = bytes[start..<index]
        guard !token.isEmpty else { throw unexpected("a value") }
        let text = String(decoding: token, as: UTF8.self)
        switch text {
        case "true": return .bool(true)
        case "false": return .bool(false)
        default: break
        }
        if Self.looksLikeDateTime(token) { throw error(.unsupportedDateTime(text), at: start) }
        guard let number = TOMLNumber.parse(token) else {
            let startsLikeNumber = token.first.map { $0 == 0x2B || $0 == 0x2D || (0x30...0x39).contains($0) } ?? false
            throw error(startsLikeNumber ? .invalidNumber(text) : .invalidValue(text), at: start)
        }
        return number
    }

    /// `1979-05-27...` or `07:32:00...`.
    private static func looksLikeDateTime(_ token: ArraySlice<UInt8>) -> Bool {
        let bytes = Array(token)
        func digits(_ range: Range<Int>) -> Bool {
            range.upperBound <= bytes.count && bytes[range].allSatisfy { (0x30...0x39).contains($0) }
        }
        return (digits(0..<4) && bytes.count > 4 && bytes[4] == UInt8(ascii: "-"))
            || (digits(0..<2) && bytes.count > 2 && bytes[2] == UInt8(ascii: ":"))
    }
}

/// TOML number syntax: validated by hand, converted by the standard library.
enum TOMLNumber {
    /// An integer or float value of `token`, or nil when it is not a valid TOML number.
    static func parse(_ token: ArraySlice<UInt8>) -> TOMLValue? {
        var body = token
        var sign = ""
        if let first = body.first, first == UInt8(ascii: "+") || first == UInt8(ascii: "-") {
            sign = first == UInt8(ascii: "-") ? "-" : ""
            body = body.dropFirst()
        }
        let text = String(decoding: body, as: UTF8.self)
        switch text {
        case "inf": return .float(sign == "-" ? -.infinity : .infinity)
        case "nan": return .float(.nan)
        default: break
        }
        if token.count == body.count, body.count > 2, body.first == UInt8(ascii: "0") {
            let radix: Int? =
                switch body[body.startIndex + 1] {
                case UInt8(ascii: "x"): 16
                case UInt8(ascii: "o"): 8
                case UInt8(ascii: "b"): 2
                default: nil
                }
            if let radix {
                let digits = body.dropFirst(2)
                guard validDigits(digits, radix: radix, leadingZeros: true) else { return nil }
                return Int64(stripped(digits), radix: radix).map(TOMLValue.integer)
            }
        }
        let exponentStart = body.firstIndex { $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }
        let mantissa = body[..<(exponentStart ?? body.endIndex)]
        let dot = mantissa.firstIndex(of: UInt8(ascii: "."))
        guard validDigits(mantissa[..<(dot ?? mantissa.endIndex)], radix: 10, leadingZeros: false) else { return nil }
        if dot == nil && exponentStart == nil {
            return Int64(sign + stripped(body), radix: 10).map(TOMLValue.integer)
        }
        if let dot, !validDigits(mantissa[(dot + 1)...], radix: 10, leadingZeros: true) { return nil }
        if let exponentStart {
            var exponent = body[(exponentStart + 1)...]
            if let first = exponent.first, first == UInt8(ascii: "+") || first == UInt8(ascii: "-") {
                exponent = exponent.dropFirst()
            }
            guard validDigits(exponent, radix: 10, leadingZeros: true) else { return nil }
        }
        return Double(sign + stripped(body)).map(TOMLValue.float)
    }

    /// Digits of `radix` with single underscores only between digits; no leading zero unless allowed.
    private static func validDigits(_ digits: ArraySlice<UInt8>, radix: Int, leadingZeros: Bool) -> Bool {
        guard let first = digits.first, let last = digits.last, first != 0x5F, last != 0x5F else { return false }
        var previous: UInt8 = 0
        for byte in digits {
            if byte == 0x5F {
                guard previous != 0x5F else { return false }
            } else {
                guard let value = digitValue(byte), value < radix else { return false }
            }
            previous = byte
        }
        return leadingZeros || first != UInt8(ascii: "0") || digits.count == 1
    }

    private static func digitValue(_ byte: UInt8) -> Int? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): Int(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): Int(byte - UInt8(ascii: "a")) + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): Int(byte - UInt8(ascii: "A")) + 10
        default: nil
        }
    }

    private static func stripped(_ digits: ArraySlice<UInt8>) -> String {
        String(decoding: digits.filter { $0 != 0x5F }, as: UTF8.self)
    }
}
