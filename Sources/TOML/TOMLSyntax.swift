/// Writing TOML: quoted strings, keys and inline values (used by `describe` and in messages).
public enum TOMLSyntax {
    /// A key as written in messages: bare when it can be, else quoted with control characters escaped,
    /// so an error description stays on one line.
    public static func key(_ key: String) -> String {
        !key.isEmpty && key.utf8.allSatisfy(isBareKeyByte) ? key : quoted(key)
    }

    /// `text` as a TOML basic string, with quotes, backslashes and control characters escaped.
    public static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\t": result += "\\t"
            case "\r": result += "\\r"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                let hex = String(scalar.value, radix: 16, uppercase: true)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }

    /// A value in TOML syntax (inline form for arrays and tables).
    public static func rendered(_ value: TOMLValue) -> String {
        switch value {
        case .string(let text): quoted(text)
        case .integer(let number): String(number)
        case .bool(let flag): String(flag)
        case .float(let number):
            if number.isNaN {
                "nan"
            } else if number.isInfinite {
                number < 0 ? "-inf" : "inf"
            } else {
                "\(number)"
            }
        case .array(let items): "[" + items.map(rendered).joined(separator: ", ") + "]"
        case .table(let table):
            "{ " + table.map { "\(quoted($0.key)) = \(rendered($0.value))" }.joined(separator: ", ") + " }"
        }
    }

    /// Whether `byte` may appear in a bare (unquoted) key.
    public static func isBareKeyByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"):
            true
        default:
            false
        }
    }
}
