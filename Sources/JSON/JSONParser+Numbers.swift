extension JSONParser {
    /// Parses a number starting at `offset` (a `-` or a digit).
    ///
    /// An integer lexeme (no fraction, no exponent) that fits `Int64` becomes `.int` exactly — `-0` is `.int(0)`.
    /// Anything else is converted by the standard library's correctly rounded `Double(String)` on the validated
    /// lexeme; a value that overflows to infinity is rejected, since JSON cannot represent it.
    mutating func parseNumber() throws(JSONError) -> JSONValue {
        let start = offset
        var cursor = offset
        let negative = bytes[cursor] == UInt8(ascii: "-")
        if negative { cursor += 1 }
        guard cursor < bytes.count else { throw .unexpectedEnd }

        // Integer part, accumulated as a negated magnitude so that Int64.min is reachable.
        var negatedMagnitude: Int64 = 0
        var fitsInt64 = true
        let first = bytes[cursor]
        if first == UInt8(ascii: "0") {
            cursor += 1
            if cursor < bytes.count, Self.isDigit(bytes[cursor]) { throw .invalidNumber(offset: start) }
        } else if Self.isDigit(first) {
            while cursor < bytes.count, Self.isDigit(bytes[cursor]) {
                if fitsInt64 {
                    let (product, overflowA) = negatedMagnitude.multipliedReportingOverflow(by: 10)
                    let digit = Int64(bytes[cursor] &- UInt8(ascii: "0"))
                    let (next, overflowB) = product.subtractingReportingOverflow(digit)
                    if overflowA || overflowB { fitsInt64 = false } else { negatedMagnitude = next }
                }
                cursor += 1
            }
        } else {
            throw .invalidNumber(offset: start)
        }

        var isInteger = true
        if cursor < bytes.count, bytes[cursor] == UInt8(ascii: ".") {
            isInteger = false
            cursor = try skipDigits(from: cursor + 1, numberStart: start)
        }
        if cursor < bytes.count, bytes[cursor] == UInt8(ascii: "e") || bytes[cursor] == UInt8(ascii: "E") {
            isInteger = false
            cursor += 1
            if cursor < bytes.count, bytes[cursor] == UInt8(ascii: "+") || bytes[cursor] == UInt8(ascii: "-") {
                cursor += 1
            }
            cursor = try skipDigits(from: cursor, numberStart: start)
        }
        offset = cursor

        if isInteger, fitsInt64 {
            if negative { return .int(negatedMagnitude) }
            if negatedMagnitude != .min { return .int(-negatedMagnitude) }
        }
        let lexeme = String(decoding: bytes[start..<cursor], as: UTF8.self)
        guard let value = Double(lexeme), value.isFinite else { throw .invalidNumber(offset: start) }
        return .double(value)
    }

    /// Skips one or more digits starting at `position`; returns the offset after the last.
    private func skipDigits(from position: Int, numberStart: Int) throws(JSONError) -> Int {
        guard position < bytes.count else { throw .unexpectedEnd }
        guard Self.isDigit(bytes[position]) else { throw .invalidNumber(offset: numberStart) }
        var cursor = position + 1
        while cursor < bytes.count, Self.isDigit(bytes[cursor]) {
            cursor += 1
        }
        return cursor
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        byte &- UInt8(ascii: "0") < 10
    }
}
