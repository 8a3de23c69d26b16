/// Substring search on UTF-8 bytes, for matching node error messages. The standard library's
/// `contains(_: String)` lives in _StringProcessing and links Swift's whole regex engine (~1 MB) into the binary.
public enum TextSearch {
    /// Whether `needle` occurs in `text`, comparing bytes (callers lowercase both when case does not matter).
    public static func contains(_ text: String, _ needle: String) -> Bool {
        let haystack = Array(text.utf8)
        let needle = Array(needle.utf8)
        guard !needle.isEmpty else { return true }
        guard haystack.count >= needle.count else { return false }
        return (0...(haystack.count - needle.count)).contains { start in
            haystack[start] == needle[0] && haystack[start..<start + needle.count].elementsEqual(needle)
        }
    }
}
