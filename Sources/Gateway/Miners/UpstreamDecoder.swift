/// Why a miner's `data:` payload or JSON body cannot be turned into events.
public enum UpstreamDecodeError: Error, Sendable, Hashable {
    /// The payload is not valid JSON; `offset` is the byte where parsing stopped.
    case invalidJSON(offset: Int)
    /// The payload is JSON but not an object.
    case notAnObject
    /// The payload is an OpenAI `error` object; its message, truncated to 200 characters.
    case minerError(String)
}

/// Normalizes OpenAI-compatible miner output (a streamed chunk or a whole non-stream reply) into events:
/// `choices[0].text`, `choices[0].delta.content` or `choices[0].message.content` → `.text` (empty text is
/// skipped), a non-null `choices[0].finish_reason` → `.finish`, `usage.prompt_tokens`/`completion_tokens`
/// → `.usage`, and an `error` member → `UpstreamDecodeError.minerError`. Pure.
///
/// Note for the lead: this file carries its own minimal JSON reader (`ScannedJSON`) so the pool does not wait
/// for the JSON module; swap `ScannedJSON.parse` for `JSONValue.parse` once that module lands.
public enum UpstreamDecoder {
    /// Whether a `data:` payload is the end-of-stream marker `[DONE]`.
    public static func isDone(_ payload: String) -> Bool {
        payload.utf8.elementsEqual("[DONE]".utf8)
    }

    /// Events in one JSON payload (an SSE chunk's data or a whole non-stream reply body).
    public static func events(from payload: some Collection<UInt8>) throws(UpstreamDecodeError) -> [UpstreamEvent] {
        let value: ScannedJSON
        do {
            value = try ScannedJSON.parse(Array(payload))
        } catch {
            throw .invalidJSON(offset: error.offset)
        }
        guard case .object = value else { throw .notAnObject }
        if let error = value["error"], !error.isNull {
            let message = error["message"]?.string ?? error.string ?? "unspecified miner error"
            throw .minerError(String(message.prefix(200)))
        }
        var events: [UpstreamEvent] = []
        if let choice = value["choices"]?.array?.first {
            let text =
                choice["text"]?.string ?? choice["delta"]?["content"]?.string
                ?? choice["message"]?["content"]?.string
            if let text, !text.isEmpty { events.append(.text(text)) }
            if let reason = choice["finish_reason"]?.string { events.append(.finish(reason: reason)) }
        }
        if let usage = value["usage"], let prompt = usage["prompt_tokens"]?.int,
            let completion = usage["completion_tokens"]?.int
        {
            events.append(.usage(prompt: prompt, completion: completion))
        }
        return events
    }

    /// Events in one SSE `data:` payload string.
    public static func events(fromChunk payload: String) throws(UpstreamDecodeError) -> [UpstreamEvent] {
        try events(from: payload.utf8)
    }
}

/// A parsed JSON value, just enough for `UpstreamDecoder` (RFC 8259, depth-limited, strict).
enum ScannedJSON: Sendable, Hashable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([ScannedJSON])
    case object([String: ScannedJSON])

    /// Where parsing failed.
    struct ParseError: Error {
        let offset: Int
    }

    subscript(key: String) -> ScannedJSON? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    var string: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    var array: [ScannedJSON]? {
        if case .array(let value) = self { return value }
        return nil
    }

    var isNull: Bool { self == .null }

    /// The value as an integer when it is an integral number within `Int` range.
    var int: Int? {
        guard case .number(let value) = self, value.rounded() == value, abs(value) < 9e15 else { return nil }
        return Int(value)
    }

    /// Parses a complete JSON document (whitespace around it allowed).
    static func parse(_ bytes: [UInt8], maxDepth: Int = 64) throws(ParseError) -> ScannedJSON {
        var reader = Reader(bytes: bytes, maxDepth: maxDepth)
        let value = try reader.value(depth: 0)
        reader.skipWhitespace()
        guard reader.index == bytes.count else { throw ParseError(offset: reader.index) }
        return value
    }

    private struct Reader {
        let bytes: [UInt8]
        let maxDepth: Int
        var index = 0

        mutating func skipWhitespace() {
            while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
        }

        func fail() -> ParseError { ParseError(offset: index) }

        mutating func expect(_ literal: String) throws(ParseError) {
            for byte in literal.utf8 {
                guard index < bytes.count, bytes[index] == byte else { throw fail() }
                index += 1
            }
        }

        mutating func value(depth: Int) throws(ParseError) -> ScannedJSON {
            guard depth < maxDepth else { throw fail() }
            skipWhitespace()
            guard index < bytes.count else { throw fail() }
            switch bytes[index] {
            case UInt8(ascii: "{"): return try object(depth: depth)
            case UInt8(ascii: "["): return try array(depth: depth)
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "t"): try expect("true"); return .bool(true)
            case UInt8(ascii: "f"): try expect("false"); return .bool(false)
            case UInt8(ascii: "n"): try expect("null"); return .null
            default: return .number(try number())
            }
        }

        mutating func object(depth: Int) throws(ParseError) -> ScannedJSON {
            index += 1
            var members: [String: ScannedJSON] = [:]
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
                index += 1
                return .object(members)
            }
            while true {
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw fail() }
                let key = try string()
                skipWhitespace()
                try expect(":")
                members[key] = try value(depth: depth + 1)
                skipWhitespace()
                guard index < bytes.count else { throw fail() }
                index += 1
                if bytes[index - 1] == UInt8(ascii: "}") { return .object(members) }
                guard bytes[index - 1] == UInt8(ascii: ",") else { index -= 1; throw fail() }
            }
        }

        mutating func array(depth: Int) throws(ParseError) -> ScannedJSON {
            index += 1
            var elements: [ScannedJSON] = []
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
                index += 1
                return .array(elements)
            }
            while true {
                elements.append(try value(depth: depth + 1))
                skipWhitespace()
                guard index < bytes.count else { throw fail() }
                index += 1
                if bytes[index - 1] == UInt8(ascii: "]") { return .array(elements) }
                guard bytes[index - 1] == UInt8(ascii: ",") else { index -= 1; throw fail() }
            }
        }

        /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`, strictly (no `01`, `1.`, `.5`, `1e`).
        mutating func number() throws(ParseError) -> Double {
            let start = index
            skip(UInt8(ascii: "-"))
            guard index < bytes.count, isDigit(bytes[index]) else { throw fail() }
            if bytes[index] == UInt8(ascii: "0") { index += 1 } else { try digits() }
            if skip(UInt8(ascii: ".")) { try digits() }
            if skip(UInt8(ascii: "e")) || skip(UInt8(ascii: "E")) {
                if !skip(UInt8(ascii: "+")) { skip(UInt8(ascii: "-")) }
                try digits()
            }
            guard let value = Double(String(decoding: bytes[start..<index], as: UTF8.self)), value.isFinite else {
                throw ParseError(offset: start)
            }
            return value
        }

        /// Consumes one or more digits.
        mutating func digits() throws(ParseError) {
            guard index < bytes.count, isDigit(bytes[index]) else { throw fail() }
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }

        /// Consumes `byte` if it comes next.
        @discardableResult
        mutating func skip(_ byte: UInt8) -> Bool {
            guard index < bytes.count, bytes[index] == byte else { return false }
            index += 1
            return true
        }

        func isDigit(_ byte: UInt8) -> Bool {
            (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
        }

        mutating func string() throws(ParseError) -> String {
            index += 1
            var scalars = String.UnicodeScalarView()
            var run: [UInt8] = []  // raw UTF-8 between escapes
            func flush() {
                scalars.append(contentsOf: String(decoding: run, as: UTF8.self).unicodeScalars)
                run.removeAll(keepingCapacity: true)
            }
            while index < bytes.count {
                let byte = bytes[index]
                index += 1
                switch byte {
                case UInt8(ascii: "\""):
                    flush()
                    return String(scalars)
                case UInt8(ascii: "\\"):
                    flush()
                    scalars.append(try escape())
                case 0..<0x20:
                    throw ParseError(offset: index - 1)
                default:
                    run.append(byte)
                }
            }
            throw fail()
        }

        mutating func escape() throws(ParseError) -> Unicode.Scalar {
            guard index < bytes.count else { throw fail() }
            index += 1
            switch bytes[index - 1] {
            case UInt8(ascii: "\""): return "\""
            case UInt8(ascii: "\\"): return "\\"
            case UInt8(ascii: "/"): return "/"
            case UInt8(ascii: "b"): return "\u{08}"
            case UInt8(ascii: "f"): return "\u{0C}"
            case UInt8(ascii: "n"): return "\n"
            case UInt8(ascii: "r"): return "\r"
            case UInt8(ascii: "t"): return "\t"
            case UInt8(ascii: "u"):
                let unit = try hex4()
                if (0xD800..<0xDC00).contains(unit), index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"),
                    bytes[index + 1] == UInt8(ascii: "u")
                {
                    let mark = index
                    index += 2
                    let low = try hex4()
                    if (0xDC00..<0xE000).contains(low) {
                        return Unicode.Scalar(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)) ?? "\u{FFFD}"
                    }
                    index = mark
                }
                return Unicode.Scalar(unit) ?? "\u{FFFD}"  // lone surrogate
            default:
                throw ParseError(offset: index - 1)
            }
        }

        static func hexValue(_ byte: UInt8) -> UInt32? {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(byte - UInt8(ascii: "A") + 10)
            default: nil
            }
        }

        mutating func hex4() throws(ParseError) -> UInt32 {
            guard index + 4 <= bytes.count else { throw fail() }
            var unit: UInt32 = 0
            for byte in bytes[index..<index + 4] {
                guard let digit = Self.hexValue(byte) else { throw fail() }
                unit = unit << 4 | digit
            }
            index += 4
            return unit
        }
    }
}
