/// A leveled logger that writes one line per event to standard error:
/// `2026-11-29T01:02:03+0000 info cortensor-edge: key=value [Gateway] message`.
///
/// The router's only log sink is standard error (systemd's journal under the service), so there is no handler
/// protocol: a `Logger` is a label and a threshold, passed by value to whatever logs.
public struct Logger: Sendable {
    /// How important an event is, from `trace` (least) to `critical` (most); the raw values are the config's names.
    public enum Level: String, Sendable, CaseIterable, Comparable {
        /// Step-by-step detail, for following one request.
        case trace
        /// Detail for diagnosing a problem; may name prompts' sizes, never their text.
        case debug
        /// Normal operation: start, stop, the access log.
        case info
        /// A normal but significant event.
        case notice
        /// Something failed and was worked around.
        case warning
        /// Something failed and a request or task was lost.
        case error
        /// The process cannot continue.
        case critical

        /// Orders levels by importance (`trace` < `debug` < ... < `critical`).
        public static func < (lhs: Level, rhs: Level) -> Bool {
            lhs.rank < rhs.rank
        }

        private var rank: Int {
            switch self {
            case .trace: 0
            case .debug: 1
            case .info: 2
            case .notice: 3
            case .warning: 4
            case .error: 5
            case .critical: 6
            }
        }
    }

    /// Key-value pairs printed before the message as `key=value`, sorted by key.
    public typealias Metadata = [String: String]

    /// Names the logging component, printed after the level.
    public let label: String
    /// Events below this level are dropped before their message or metadata is built.
    public var logLevel: Level

    /// A logger named `label` that writes events at `logLevel` and above.
    public init(label: String, logLevel: Level = .info) {
        self.label = label
        self.logLevel = logLevel
    }

    /// Writes `message` at `level` (the methods below name the common levels) if the logger's level lets it through; `source` is the calling module, taken
    /// from `#fileID`.
    public func log(
        level: Level, _ message: @autoclosure () -> String, metadata: @autoclosure () -> Metadata? = nil,
        fileID: String = #fileID
    ) {
        guard level >= logLevel else { return }
        let line = LogLine(
            timestamp: StandardErrorLog.timestamp(), level: level, label: label, metadata: metadata() ?? [:],
            source: LogLine.module(ofFileID: fileID), message: message())
        StandardErrorLog.write(line.text)
    }

    /// Logs at `debug`.
    public func debug(
        _ message: @autoclosure () -> String, metadata: @autoclosure () -> Metadata? = nil, fileID: String = #fileID
    ) {
        log(level: .debug, message(), metadata: metadata(), fileID: fileID)
    }

    /// Logs at `info`.
    public func info(
        _ message: @autoclosure () -> String, metadata: @autoclosure () -> Metadata? = nil, fileID: String = #fileID
    ) {
        log(level: .info, message(), metadata: metadata(), fileID: fileID)
    }

    /// Logs at `warning`.
    public func warning(
        _ message: @autoclosure () -> String, metadata: @autoclosure () -> Metadata? = nil, fileID: String = #fileID
    ) {
        log(level: .warning, message(), metadata: metadata(), fileID: fileID)
    }

    /// Logs at `error`.
    public func error(
        _ message: @autoclosure () -> String, metadata: @autoclosure () -> Metadata? = nil, fileID: String = #fileID
    ) {
        log(level: .error, message(), metadata: metadata(), fileID: fileID)
    }
}
