/// One formatted log event (pure; `StandardErrorLog` supplies the clock and the output).
struct LogLine: Equatable {
    let timestamp: String
    let level: Logger.Level
    let label: String
    let metadata: Logger.Metadata
    let source: String
    let message: String

    /// `timestamp level label: k1=v1 k2=v2 [source] message` and a newline; without metadata, nothing between
    /// the colon and ` [source]`.
    var text: String {
        var line = "\(timestamp) \(level.rawValue)\(label.isEmpty ? "" : " ")\(label):"
        for key in metadata.keys.sorted() {
            line += " \(key)=\(metadata[key] ?? "")"
        }
        line += " [\(source)] \(message)\n"
        return line
    }

    /// The module part of a `#fileID` (`Gateway/EdgeApp.swift` → `Gateway`).
    static func module(ofFileID fileID: String) -> String {
        guard let slash = fileID.utf8.firstIndex(of: UInt8(ascii: "/")) else { return "n/a" }
        return String(fileID[..<slash])
    }
}
