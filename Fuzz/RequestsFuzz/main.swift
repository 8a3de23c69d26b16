// libFuzzer target for API request parsing (Cortensor and OpenAI bodies). Not part of Package.swift:
// Fuzz/run-fuzz.sh requests compiles this file with CompletionRequest*.swift, FieldReader.swift, APIError.swift and
// the few HTTPServer files they need into one module, linked against a separately built (instrumented) JSON module.
import JSON

/// libFuzzer's entry point: `size` bytes at `data`, owned by libFuzzer for the duration of the call.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRequests(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    // Sound: libFuzzer passes `size` readable bytes at `data` (possibly nil when size is 0); they are copied
    // out before returning and never retained.
    let body = unsafe Array(UnsafeBufferPointer(start: data, count: size))
    let parsers: [(name: String, parse: ([UInt8]) throws(APIError) -> CompletionRequest)] = [
        ("cortensor", { (body) throws(APIError) in try CompletionRequest.cortensor(body: body, pathSession: nil) }),
        ("openAIChat", { (body) throws(APIError) in try CompletionRequest.openAIChat(body: body) }),
        ("openAICompletion", { (body) throws(APIError) in try CompletionRequest.openAICompletion(body: body) }),
        ("openAIResponses", { (body) throws(APIError) in try ResponsesRequest.parse(body: body).request }),
    ]
    for parser in parsers {
        do {
            let request = try parser.parse(body)
            checkRequest(request, body: body, api: parser.name)
        } catch {
            checkError(error, api: parser.name)
        }
    }
    checkPathSession(body)
    checkFraming(body)
    return 0
}

/// The same bytes as request header fields (one `Name: value` a line): framing either names a problem or gives a
/// length that every Content-Length value spells, and never both a length and a transfer coding.
func checkFraming(_ bytes: [UInt8]) {
    let fields = bytes.split(separator: UInt8(ascii: "\n")).compactMap { line -> (name: String, value: String)? in
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { return nil }
        return (String(decoding: line[..<colon], as: UTF8.self), String(decoding: line[(colon + 1)...], as: UTF8.self))
    }
    let headers = HTTPHeaders(fields)
    do {
        let length = try RequestFraming.contentLength(in: headers)
        let lengths = headers.values(for: "Content-Length")
        if let length {
            require(length >= 0, "negative length \(length)")
            require(headers.values(for: "Transfer-Encoding").isEmpty, "a length together with a transfer coding")
            require(!lengths.isEmpty, "a length without Content-Length")
        } else {
            require(lengths.isEmpty, "Content-Length given but no length")
        }
    } catch {
        require(!error.message.isEmpty, "framing problem without a message")
    }
}

/// Every rejection is a 400 with a code and a non-empty one-line message naming its field, and renders as a
/// JSON error body in both API flavors.
func checkError(_ error: APIError, api: String) {
    require(error.status == 400, "\(api): status \(error.status) for a bad body")
    require(!error.code.isEmpty, "\(api): empty error code")
    require(!error.message.isEmpty, "\(api): empty error message")
    require(
        !error.message.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F },
        "\(api): message is not one line: \(error.message.debugDescription)")
    if let field = error.field { require(error.message.contains("'\(field)'"), "\(api): message omits field") }
    for flavor in [APIFlavor.openAI, .cortensor] {
        guard case .bytes(let bytes) = error.response(for: flavor).body,
            let rendered = try? JSONValue.parse(bytes)
        else { fatalError("\(api): error response is not JSON") }
        require(rendered == error.body(for: flavor), "\(api): error body does not round-trip")
    }
}

/// An accepted request came from a JSON object, respects every documented range, and its upstream body
/// serializes to JSON that parses back to the same value.
func checkRequest(_ request: CompletionRequest, body: [UInt8], api: String) {
    guard case .object(let object)? = try? JSONValue.parse(body, limits: JSONLimits(maxDepth: 32, maxBytes: body.count))
    else { fatalError("\(api): accepted a body that is not a JSON object") }
    switch (api, request.input) {
    case ("cortensor", _):
        require(object["prompt"]?.stringValue != nil, "cortensor: accepted without a string prompt")
        require(request.sessionID.map { $0 >= 0 } ?? true, "session id out of range")
        require(request.timeout.map { $0 >= .seconds(1) && $0 <= .seconds(3600) } ?? true, "timeout out of range")
    case ("openAIChat", .messages(let messages)), ("openAIResponses", .messages(let messages)):
        require(!messages.isEmpty, "chat: accepted without messages")
    case ("openAICompletion", .prompt), ("openAICompletion", .tokens):
        break
    default:
        fatalError("\(api): wrong input kind \(request.input)")
    }
    require(request.maxTokens.map { (1...1_000_000).contains($0) } ?? true, "max_tokens out of range")
    require(request.temperature.map { (0...2).contains($0) } ?? true, "temperature out of range")
    require(request.topP.map { (0...1).contains($0) } ?? true, "top_p out of range")
    require(request.topK.map { (0...100_000).contains($0) } ?? true, "top_k out of range")
    require(request.presencePenalty.map { (-2...2).contains($0) } ?? true, "presence_penalty out of range")
    require(request.frequencyPenalty.map { (-2...2).contains($0) } ?? true, "frequency_penalty out of range")
    require(request.stop.count <= 8, "more than 8 stop sequences")
    let upstream = request.upstreamBody(model: request.model)
    guard let reparsed = try? JSONValue.parse(upstream.serialized(), limits: JSONLimits(maxDepth: 64, maxBytes: .max))
    else { fatalError("\(api): upstream body does not parse") }
    require(reparsed == upstream, "\(api): upstream body does not round-trip")
    require(reparsed["stream"] == .bool(true), "\(api): upstream body without stream: true")
}

/// A session id in the path wins over the body's, and does not change whether the body is accepted
/// (beyond the body's own session_id field, which is still validated).
func checkPathSession(_ body: [UInt8]) {
    let withoutPath = Result { () throws(APIError) in try CompletionRequest.cortensor(body: body, pathSession: nil) }
    let withPath = Result { () throws(APIError) in try CompletionRequest.cortensor(body: body, pathSession: 7) }
    switch (withoutPath, withPath) {
    case (.success(var expected), .success(let actual)):
        expected.sessionID = 7
        require(actual == expected, "path session changed more than the session id")
    case (.failure(let a), .failure(let b)):
        require(a == b, "path session changed the error")
    default:
        fatalError("path session changed whether the body is accepted")
    }
}

/// Traps with `message` when `condition` is false; unlike `precondition`, the message survives `-O`.
func require(
    _ condition: Bool, _ message: @autoclosure () -> String, file: StaticString = #fileID, line: UInt = #line
) {
    if !condition { fatalError(message(), file: file, line: line) }
}
