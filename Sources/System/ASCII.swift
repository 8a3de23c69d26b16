/// ASCII case folding for protocol text (HTTP field names, media types), by bytes.
public enum ASCII {
    /// `byte` with `A`…`Z` lowercased, any other byte as it is.
    public static func lowercased(_ byte: UInt8) -> UInt8 {
        (byte >= 0x41 && byte <= 0x5A) ? byte | 0x20 : byte
    }

    /// ASCII case-insensitive equality, as RFC 9110 specifies for field names. Bytes, not `String ==`, which
    /// would also match canonically equivalent names (a KELVIN SIGN for a `K`).
    public static func caseInsensitiveEquals(_ a: String, _ b: String) -> Bool {
        // Spans of the UTF-8 bytes: indexed reads, no lowercased copies and no walk over two `UTF8View`s.
        let left = a.utf8.span
        let right = b.utf8.span
        guard left.count == right.count else { return false }
        for index in left.indices where lowercased(left[index]) != lowercased(right[index]) {
            return false
        }
        return true
    }
}
