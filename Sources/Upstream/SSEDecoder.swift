/// One server-sent event: its `event:` name (nil when absent) and its `data:` lines joined by `\n`.
public struct SSEEvent: Sendable, Hashable {
    /// The `event:` field, if any.
    public var event: String?
    /// The `data:` lines of the event, joined with `\n`.
    public var data: String

    /// Creates an event.
    public init(event: String? = nil, data: String) {
        self.event = event
        self.data = data
    }
}

/// Why the SSE stream cannot be decoded.
public enum SSEError: Error, Sendable, Hashable {
    /// A line grew beyond the limit without a line break.
    case lineTooLong(limit: Int)
    /// The `data:` lines of one event grew beyond the limit without the blank line that ends it.
    case eventTooLarge(limit: Int)
}

/// Incremental server-sent events framing (WHATWG `text/event-stream`): feed byte chunks as they arrive,
/// get complete events back. Lines end in `\n`, `\r\n` or `\r` (also when split across chunks); lines starting
/// with `:` are comments; `data:` lines accumulate until a blank line dispatches the event; `id` and `retry`
/// are ignored; a UTF-8 byte-order mark opening the stream is skipped. Pure value, no I/O.
public struct SSEDecoder: Sendable {
    /// Longest accepted line in bytes (a miner's single JSON chunk must fit).
    public let maxLineBytes: Int
    /// Most bytes of `data:` lines one event may gather (short lines without a blank one must not pile up).
    public let maxEventBytes: Int
    private var line: [UInt8] = []
    private var lastWasCR = false
    private var dataLines: [String] = []
    private var dataBytes = 0
    private var eventName: String?
    private var isFirstLine = true

    /// Creates a decoder accepting lines up to `maxLineBytes` and events up to `maxEventBytes` of data.
    public init(maxLineBytes: Int = 1 << 20, maxEventBytes: Int = 1 << 20) {
        self.maxLineBytes = maxLineBytes
        self.maxEventBytes = maxEventBytes
    }

    /// Consumes one chunk and returns the events it completed, in order.
    public mutating func feed(_ chunk: some Sequence<UInt8>) throws(SSEError) -> [SSEEvent] {
        var events: [SSEEvent] = []
        for byte in chunk {
            if lastWasCR {
                lastWasCR = false
                if byte == 0x0A { continue }  // the LF of a CRLF already ended the line
            }
            switch byte {
            case 0x0A:
                if let event = try endLine() { events.append(event) }
            case 0x0D:
                lastWasCR = true
                if let event = try endLine() { events.append(event) }
            default:
                guard line.count < maxLineBytes else { throw .lineTooLong(limit: maxLineBytes) }
                line.append(byte)
            }
        }
        return events
    }

    /// Ends the stream: returns the pending event if its data lines were complete. An unterminated last line
    /// may be truncated, so it is dropped.
    public mutating func finish() -> SSEEvent? {
        line.removeAll()
        lastWasCR = false
        return dispatch()
    }

    private mutating func endLine() throws(SSEError) -> SSEEvent? {
        defer { line.removeAll(keepingCapacity: true) }
        if isFirstLine {
            isFirstLine = false
            if line.starts(with: [0xEF, 0xBB, 0xBF]) { line.removeFirst(3) }
        }
        guard !line.isEmpty else { return dispatch() }
        if line[0] == UInt8(ascii: ":") { return nil }
        let field: ArraySlice<UInt8>
        var value: ArraySlice<UInt8>
        if let colon = line.firstIndex(of: UInt8(ascii: ":")) {
            field = line[..<colon]
            value = line[(colon + 1)...]
            if value.first == UInt8(ascii: " ") { value = value.dropFirst() }
        } else {
            field = line[...]
            value = []
        }
        switch String(decoding: field, as: UTF8.self) {
        case "data":
            dataBytes += value.count + 1
            guard dataBytes <= maxEventBytes else { throw .eventTooLarge(limit: maxEventBytes) }
            dataLines.append(String(decoding: value, as: UTF8.self))
        case "event": eventName = String(decoding: value, as: UTF8.self)
        default: break
        }
        return nil
    }

    private mutating func dispatch() -> SSEEvent? {
        defer {
            dataLines.removeAll()
            dataBytes = 0
            eventName = nil
        }
        guard !dataLines.isEmpty else { return nil }
        return SSEEvent(event: eventName, data: dataLines.joined(separator: "\n"))
    }
}
