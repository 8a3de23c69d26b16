import System

/// How a request is checked and spelled before libcurl sees it (pure, no C).
extension HTTPClientRequest {
    /// Throws `.invalidRequest` for a method that is not a token, a URL with spaces or controls, or a header
    /// field that could split the request (CR, LF, NUL; ':' or whitespace in a name).
    func validate() throws(HTTPClientError) {
        guard !method.isEmpty, method.utf8.allSatisfy(Self.isTokenByte) else {
            throw .invalidRequest("method is not an HTTP token")
        }
        guard url.utf8.allSatisfy({ $0 > 0x20 && $0 != 0x7F }) else {
            throw .invalidRequest("URL contains spaces or control characters")
        }
        for (name, value) in headers {
            let badName = name.isEmpty || name.utf8.contains { $0 <= 0x20 || $0 == 0x3A || $0 == 0x7F }
            let badValue = value.utf8.contains { $0 == 0x0D || $0 == 0x0A || $0 == 0 }
            guard !badName, !badValue else {
                throw .invalidRequest("header field \(badName ? "name" : "value") is invalid")
            }
        }
    }

    /// Whether `byte` may appear in an HTTP token (RFC 9110 tchar): visible ASCII except the separators.
    /// A switch, not a search of the separator list per byte (~2k instructions per request).
    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "@"),
            UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: ":"), UInt8(ascii: "\\"), UInt8(ascii: "\""),
            UInt8(ascii: "/"), UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "?"), UInt8(ascii: "="),
            UInt8(ascii: "{"), UInt8(ascii: "}"):
            false
        default:
            byte > 0x20 && byte < 0x7F
        }
    }

    /// Header lines for CURLOPT_HTTPHEADER. libcurl reads "Name;" as an empty value and "Name:" as "do not send
    /// your default": no 100-continue round trip for large bodies and no invented form Content-Type for POST,
    /// unless the caller set those fields.
    var headerLines: [String] {
        var lines = headers.map { $0.value.isEmpty ? "\($0.name);" : "\($0.name): \($0.value)" }
        for implicit in ["Expect", "Content-Type"]
        where !headers.contains(where: { ASCII.caseInsensitiveEquals($0.name, implicit) }) {
            lines.append("\(implicit):")
        }
        return lines
    }
}

extension Duration {
    /// Whole milliseconds, rounded up and at least 1 (libcurl reads 0 as "no limit").
    var curlMilliseconds: Int {
        let (seconds, attoseconds) = components
        let milliseconds = Int(seconds) * 1000 + Int((attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000)
        return Swift.max(1, milliseconds)
    }
}
