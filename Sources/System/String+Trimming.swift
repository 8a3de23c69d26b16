extension StringProtocol {
    /// The text without leading and trailing spaces and tabs (HTTP and TOML-value whitespace).
    public var trimmingSpaces: String {
        // Nothing to trim (the usual case) is seen from the end bytes: a Character that is a space or a tab is
        // that one byte. Saves the Character walk (~1.5k instructions per request header trimmed).
        let isBlank = { (byte: UInt8) in byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        var view = Substring(self)
        if let first = view.utf8.first, let last = view.utf8.last, !isBlank(first), !isBlank(last) {
            return String(view)
        }
        while view.first == " " || view.first == "\t" { view.removeFirst() }
        while view.last == " " || view.last == "\t" { view.removeLast() }
        return String(view)
    }
}
