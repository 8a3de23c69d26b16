// libFuzzer target for the SSE framing and the miner output decoder. Not part of Package.swift:
// Fuzz/run-fuzz.sh sse compiles this file with Sources/Upstream's decoders (SSEDecoder, UpstreamDecoder and its
// choices, ChoicePiece, UpstreamRequest, UpstreamEventStream) into one module, linked against separately built (also
// instrumented) JSON and System modules.
//
// Input layout: byte 0 picks the line limit, bytes 1...3 seed the chunk split points, the rest is the stream.
import JSON

/// libFuzzer's entry point: `size` bytes at `data`, owned by libFuzzer for the duration of the call.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSSE(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    // Sound: libFuzzer passes `size` readable bytes at `data` (possibly nil when size is 0); they are copied
    // out before returning and never retained.
    let bytes = unsafe Array(UnsafeBufferPointer(start: data, count: size))
    guard bytes.count >= 4 else { return 0 }
    let limit = bytes[0] < 0x80 ? 1 + Int(bytes[0]) : 1 << 20
    let stream = Array(bytes[4...])
    checkFraming(stream, limit: limit, splitSeed: UInt32(bytes[1]) << 16 | UInt32(bytes[2]) << 8 | UInt32(bytes[3]))
    checkReplyBody(stream)
    return 0
}

/// What decoding a whole stream yields: the events before the end or the error, and the error.
struct Outcome: Equatable {
    var events: [SSEEvent]
    var failed: Bool
}

/// Feeding the stream whole, one byte at a time, or in pseudo-random chunks gives the same events as an
/// independent reference decoder; a line over the limit fails exactly when the reference says so.
func checkFraming(_ stream: [UInt8], limit: Int, splitSeed: UInt32) {
    let expected = referenceDecode(stream, limit: limit)
    let whole = decode([stream[...]], limit: limit)
    require(whole == expected || whole.failed && expected.failed, "whole-stream decode differs from the reference")
    require(whole.failed == expected.failed, "line limit not enforced as specified")
    var chunks: [ArraySlice<UInt8>] = []
    var generator = splitSeed | 1
    var start = 0
    while start < stream.count {
        generator ^= generator << 13
        generator ^= generator >> 17
        generator ^= generator << 5
        let length = min(stream.count - start, Int(generator % 16))
        chunks.append(stream[start..<start + length])
        start += length
    }
    let split = decode(chunks, limit: limit)
    let single = decode(stream.indices.map { stream[$0...$0] }, limit: limit)
    require(single == expected, "byte-at-a-time decode differs from the reference")
    // A chunk that fails loses the events it completed, so after a failure only a prefix is comparable.
    require(split.failed == expected.failed, "chunked decode enforces the line limit differently")
    require(
        split.failed ? expected.events.starts(with: split.events) : split == expected,
        "chunked decode differs from the reference")
    checkEvents(expected.events, inputSize: stream.count, validUTF8: String(validating: stream, as: UTF8.self) != nil)
}

/// Runs `SSEDecoder` over `chunks`, then `finish()` unless a chunk failed.
func decode(_ chunks: [ArraySlice<UInt8>], limit: Int) -> Outcome {
    var decoder = SSEDecoder(maxLineBytes: limit)
    var events: [SSEEvent] = []
    for chunk in chunks {
        do {
            events += try decoder.feed(chunk)
        } catch {
            require(error == .lineTooLong(limit: limit), "wrong limit in the error")
            return Outcome(events: events, failed: true)
        }
    }
    if let last = decoder.finish() { events.append(last) }
    return Outcome(events: events, failed: false)
}

/// The framing rules written out plainly over the whole input: lines end at `\r\n`, `\n` or `\r`; events complete
/// at blank lines; the unterminated tail is dropped. With a failure, the events are those completed by lines
/// ending before the over-long line began (what a caller feeding byte by byte sees).
func referenceDecode(_ stream: [UInt8], limit: Int) -> Outcome {
    var events: [SSEEvent] = []
    var data: [String] = []
    var name: String?
    var index = 0
    while true {
        var end = index
        while end < stream.count && stream[end] != 0x0A && stream[end] != 0x0D { end += 1 }
        let line = stream[index..<end]
        if line.count > limit { return Outcome(events: events, failed: true) }
        guard end < stream.count else { break }  // unterminated tail: dropped
        index = end + (stream[end] == 0x0D && end + 1 < stream.count && stream[end + 1] == 0x0A ? 2 : 1)
        if line.isEmpty {
            if !data.isEmpty { events.append(SSEEvent(event: name, data: data.joined(separator: "\n"))) }
            data = []
            name = nil
            continue
        }
        if line.first == UInt8(ascii: ":") { continue }
        let colon = line.firstIndex(of: UInt8(ascii: ":")) ?? line.endIndex
        let field = String(decoding: line[..<colon], as: UTF8.self)
        var value = colon == line.endIndex ? line[colon...] : line[(colon + 1)...]
        if value.first == UInt8(ascii: " ") { value = value.dropFirst() }
        if field == "data" { data.append(String(decoding: value, as: UTF8.self)) }
        if field == "event" { name = String(decoding: value, as: UTF8.self) }
    }
    if !data.isEmpty { events.append(SSEEvent(event: name, data: data.joined(separator: "\n"))) }
    return Outcome(events: events, failed: false)
}

/// Decodes each event's data as a miner chunk: both `events` overloads agree, and the text they yield is no
/// longer than the input (in bytes when the input was UTF-8; in scalars always, as a bad byte becomes U+FFFD).
func checkEvents(_ events: [SSEEvent], inputSize: Int, validUTF8: Bool) {
    var textBytes = 0
    var textScalars = 0
    for event in events where !UpstreamDecoder.isDone(event.data) {
        let fromString = Result { () throws(UpstreamDecodeError) in try UpstreamDecoder.events(fromChunk: event.data) }
        let fromBytes = Result { () throws(UpstreamDecodeError) in
            try UpstreamDecoder.events(from: Array(event.data.utf8))
        }
        require(fromString == fromBytes, "events(fromChunk:) and events(from:) disagree")
        guard case .success(let decoded) = fromString else {
            checkDecodeError(fromString)
            continue
        }
        for case .text(let text) in decoded {
            textBytes += text.utf8.count
            textScalars += text.unicodeScalars.count
        }
    }
    require(textScalars <= inputSize, "more text scalars than input bytes")
    require(!validUTF8 || textBytes <= inputSize, "more text bytes than input bytes")
}

/// The whole stream as a non-streamed reply body: text never longer than the body, errors well-formed.
func checkReplyBody(_ body: [UInt8]) {
    let result = Result { () throws(UpstreamDecodeError) in try UpstreamDecoder.events(from: body) }
    guard case .success(let events) = result else { return checkDecodeError(result) }
    var textBytes = 0
    for event in events {
        switch event {
        case .text(let text):
            require(!text.isEmpty, "empty text event")
            textBytes += text.utf8.count
        case .usage, .finish, .piece, .usageDetails, .fingerprint:
            break
        }
    }
    require(textBytes <= body.count, "more text bytes than body bytes")
    require(events.filter { if case .text = $0 { true } else { false } }.count <= 1, "two text events in one chunk")
}

/// A decode error's miner message is capped at 200 characters.
func checkDecodeError(_ result: Result<[UpstreamEvent], UpstreamDecodeError>) {
    if case .failure(.minerError(let message)) = result {
        require(message.count <= 200, "miner error message not truncated")
    }
}

/// Traps with `message` when `condition` is false; unlike `precondition`, the message survives `-O`.
func require(
    _ condition: Bool, _ message: @autoclosure () -> String, file: StaticString = #fileID, line: UInt = #line
) {
    if !condition { fatalError(message(), file: file, line: line) }
}
