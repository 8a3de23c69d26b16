extension JSONValue {
    /// Compact JSON text (no whitespace); object keys in their stored order.
    public func serialized() -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(256)
        serialize(into: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends compact JSON as UTF-8: strings escape `"`, `\` and control characters; a non-finite
    /// double becomes `null`, since JSON has no spelling for it.
    public func serialize(into bytes: inout [UInt8]) {
        switch self {
        case .null:
            bytes.append(contentsOf: "null".utf8)
        case .bool(let bool):
            bytes.append(contentsOf: bool ? "true".utf8 : "false".utf8)
        case .int(let int):
            Self.appendInteger(int, to: &bytes)
        case .double(let double):
            if double.isFinite {
                // `description` is the shortest text that reads back as the same Double, and always holds
                // a `.` or an exponent, so re-parsing yields `.double` again.
                bytes.append(contentsOf: double.description.utf8)
            } else {
                bytes.append(contentsOf: "null".utf8)
            }
        case .string(let string):
            Self.appendString(string, to: &bytes)
        case .array(let elements):
            bytes.append(UInt8(ascii: "["))
            for (position, element) in elements.enumerated() {
                if position > 0 { bytes.append(UInt8(ascii: ",")) }
                element.serialize(into: &bytes)
            }
            bytes.append(UInt8(ascii: "]"))
        case .object(let object):
            bytes.append(UInt8(ascii: "{"))
            for (position, member) in object.enumerated() {
                if position > 0 { bytes.append(UInt8(ascii: ",")) }
                Self.appendString(member.key, to: &bytes)
                bytes.append(UInt8(ascii: ":"))
                member.value.serialize(into: &bytes)
            }
            bytes.append(UInt8(ascii: "}"))
        }
    }

    /// Appends the decimal digits of `value` without going through `String`.
    private static func appendInteger(_ value: Int64, to bytes: inout [UInt8]) {
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        let firstDigit = bytes.count
        repeat {
            bytes.append(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: magnitude % 10))
            magnitude /= 10
        } while magnitude > 0
        bytes[firstDigit...].reverse()
    }

    /// Appends `string` quoted; `"`, `\` and bytes below 0x20 are escaped, everything else is copied as UTF-8.
    private static func appendString(_ string: String, to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "\""))
        // Native strings lend their UTF-8 bytes: a scan of a buffer and one copy, not the generic walk over the
        // `UTF8View` (~15k instructions per proxied request; a `Span` scan plus an append from the view cost ~4k
        // more than this). Other strings take the copy below.
        // Sound: the buffer is only read, while the string lends it.
        let appended = unsafe string.utf8.withContiguousStorageIfAvailable { utf8 in
            unsafe appendEscaped(utf8, to: &bytes)
        }
        if appended == nil { appendEscaped(Array(string.utf8), to: &bytes) }
        bytes.append(UInt8(ascii: "\""))
    }

    /// Appends `utf8`, escaping what `needsEscape`; runs without an escape are copied whole.
    private static func appendEscaped(_ utf8: some Collection<UInt8>, to bytes: inout [UInt8]) {
        var runStart = utf8.startIndex
        var position = utf8.startIndex
        while position != utf8.endIndex {
            let byte = utf8[position]
            if needsEscape(byte) {
                bytes.append(contentsOf: utf8[runStart..<position])
                appendEscape(for: byte, to: &bytes)
                runStart = utf8.index(after: position)
            }
            position = utf8.index(after: position)
        }
        bytes.append(contentsOf: utf8[runStart..<utf8.endIndex])
    }

    private static func needsEscape(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\")
    }

    /// Appends the escape for a byte that `needsEscape`: a short form where JSON has one, else `\u00XX`.
    private static func appendEscape(for byte: UInt8, to bytes: inout [UInt8]) {
        let short: UInt8? =
            switch byte {
            case UInt8(ascii: "\""): UInt8(ascii: "\"")
            case UInt8(ascii: "\\"): UInt8(ascii: "\\")
            case 0x08: UInt8(ascii: "b")
            case 0x0C: UInt8(ascii: "f")
            case 0x0A: UInt8(ascii: "n")
            case 0x0D: UInt8(ascii: "r")
            case 0x09: UInt8(ascii: "t")
            default: nil
            }
        bytes.append(UInt8(ascii: "\\"))
        if let short {
            bytes.append(short)
            return
        }
        let hexDigits = Array("0123456789abcdef".utf8)
        bytes.append(contentsOf: "u00".utf8)
        bytes.append(hexDigits[Int(byte >> 4)])
        bytes.append(hexDigits[Int(byte & 0x0F)])
    }
}
