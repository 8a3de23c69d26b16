/// Builds the response head from header lines as libcurl hands them over, one line per call (CRLF included).
/// Skips interim 1xx blocks (100-continue) and ignores trailers after the final block.
struct ResponseHeadParser {
    private var status = 0
    private var headers: [(name: String, value: String)] = []
    /// The final header block ended and its head was returned.
    private(set) var isComplete = false

    /// The head gathered so far (what a transfer ending without a blank line had).
    var partialHead: HTTPResponseHead { HTTPResponseHead(status: status, headers: headers) }

    /// Consumes one header line; returns the head when the final block ends.
    mutating func consume(_ untrustedLine: some BidirectionalCollection<UInt8>) -> HTTPResponseHead? {
        guard !isComplete else { return nil }
        var bytes = untrustedLine[...]
        while let last = bytes.last, last == 0x0D || last == 0x0A { bytes = bytes.dropLast() }
        // Decoded only after the line break is gone: "\r\n" is a single Character.
        let line = Substring(String(decoding: bytes, as: UTF8.self))

        if line.isEmpty {
            guard status < 100 || status >= 200 else {
                // An interim response (100 Continue, 103 Early Hints): the real head follows.
                status = 0
                headers = []
                return nil
            }
            isComplete = true
            return partialHead
        }
        if line.hasPrefix("HTTP/") {
            // "HTTP/1.1 200 OK" or "HTTP/2 200": a new block starts.
            let fields = line.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true)
            status = fields.count >= 2 ? Int(fields[1]) ?? 0 : 0
            headers = []
            return nil
        }
        if let first = line.first, first == " " || first == "\t", !headers.isEmpty {
            // Obsolete line folding: the line continues the previous value.
            headers[headers.count - 1].value += " " + Self.trimmed(line)
            return nil
        }
        guard let colon = line.firstIndex(of: ":") else { return nil }
        let name = Self.trimmed(line[..<colon])
        guard !name.isEmpty else { return nil }
        headers.append((name: name, value: Self.trimmed(line[line.index(after: colon)...])))
        return nil
    }

    private static func trimmed(_ text: Substring) -> String {
        var text = text
        while let first = text.first, first == " " || first == "\t" { text.removeFirst() }
        while let last = text.last, last == " " || last == "\t" { text.removeLast() }
        return String(text)
    }
}
