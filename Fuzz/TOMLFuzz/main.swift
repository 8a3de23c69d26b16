// libFuzzer target for the TOML parser and the configuration loader. Not part of Package.swift:
// Fuzz/run-fuzz.sh toml compiles this file together with Sources/Gateway/Config/*.swift into one module, over the
// TOML module (Sources/TOML, instrumented too).

import TOML

/// Limits for reparsing rendered documents: rendering turns `[a.b.c]` headers into nested inline tables,
/// which nest deeper than the source did, and quoting makes the text longer.
let relaxedLimits = TOMLLimits(maxBytes: .max, maxDepth: 1024)

/// libFuzzer's entry point: `size` bytes at `data`, owned by libFuzzer for the duration of the call.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTOML(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    // Sound: libFuzzer passes `size` readable bytes at `data` (possibly nil when size is 0); they are copied
    // out before returning and never retained.
    let bytes = unsafe Array(UnsafeBufferPointer(start: data, count: size))
    checkDocument(bytes)
    checkConfig(bytes)
    return 0
}

/// Parser properties: the String and byte overloads agree, a parsed document survives render → parse,
/// and an error points inside the input.
func checkDocument(_ bytes: [UInt8]) {
    let result = Result { () throws(TOMLError) in try TOMLDocument(parsing: bytes) }
    if let text = String(validating: bytes, as: UTF8.self) {
        let textResult = Result { () throws(TOMLError) in try TOMLDocument(parsing: text) }
        require(sameResult(textResult, result), "String and [UInt8] overloads disagree")
    }
    switch result {
    case .success(let document):
        let once = render(document.root)
        let reparsed: TOMLDocument
        do {
            reparsed = try TOMLDocument(parsing: once, limits: relaxedLimits)
        } catch {
            fatalError("rendered document does not parse: \(error)\n\(once)")
        }
        require(same(.table(reparsed.root), .table(document.root)), "render → parse changed the value")
        require(render(reparsed.root) == once, "rendering is not stable")
    case .failure(let error):
        checkPosition(error, in: bytes)
        checkOneLine(error.description)
    }
}

/// Loader properties: any input gives a config or a one-line `ConfigError`; a loaded config's `describe`
/// output loads back to the same config. Bytes after a NUL (which TOML forbids anyway) are `NAME=value`
/// environment lines, so the fuzzer also reaches the `CORTENSOR_EDGE_*` overrides.
func checkConfig(_ bytes: [UInt8]) {
    let parts = bytes.split(separator: 0, maxSplits: 1, omittingEmptySubsequences: false)
    let toml = String(decoding: parts[0], as: UTF8.self)
    var environment: [String: String] = [:]
    if parts.count > 1 {
        for line in parts[1].split(separator: UInt8(ascii: "\n")) {
            let pair = line.split(separator: UInt8(ascii: "="), maxSplits: 1, omittingEmptySubsequences: false)
            let name = "CORTENSOR_EDGE_" + String(decoding: pair[0], as: UTF8.self)
            environment[name] = pair.count > 1 ? String(decoding: pair[1], as: UTF8.self) : ""
        }
    }
    do {
        let config = try EdgeConfig.load(toml: toml, environment: environment)
        let described = config.describe(maskingSecrets: false)
        let reloaded: EdgeConfig
        do {
            reloaded = try EdgeConfig.load(toml: described, environment: [:])
        } catch {
            fatalError("describe output does not load: \(error)\n\(described)")
        }
        require(reloaded == config, "describe → load changed the config")
        require(reloaded.sessions.contains { $0.id == 0 }, "session 0 is missing")
    } catch {
        require(error.description.hasPrefix("config: "), "ConfigError without the config: prefix")
        checkOneLine(error.description)
        if case .syntax(let syntax) = error { checkPosition(syntax, in: Array(toml.utf8)) }
    }
}

/// A TOML error's line and column must name a position inside the input (at most one past a line's end).
func checkPosition(_ error: TOMLError, in bytes: [UInt8]) {
    let lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
    require(error.line >= 1 && error.line <= lines.count, "line \(error.line) outside 1...\(lines.count)")
    let length = lines[error.line - 1].count
    require(error.column >= 1 && error.column <= length + 1, "column \(error.column) outside 1...\(length + 1)")
}

/// A message must be one line: no line breaks or other C0 control characters.
func checkOneLine(_ message: String) {
    require(!message.isEmpty, "empty message")
    require(
        !message.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F },
        "message spans lines or holds a control character: \(message.debugDescription)")
}

/// The root table as a document: one `"key" = inline-value` line per key.
func render(_ table: TOMLTable) -> String {
    table.map { "\(TOMLSyntax.quoted($0.key)) = \(TOMLSyntax.rendered($0.value))\n" }.joined()
}

/// Structural equality that also compares key order, treats NaN as equal to NaN and tells -0.0 from 0.0.
func same(_ a: TOMLValue, _ b: TOMLValue) -> Bool {
    switch (a, b) {
    case (.float(let x), .float(let y)): return x.bitPattern == y.bitPattern || (x.isNaN && y.isNaN)
    case (.array(let x), .array(let y)): return x.count == y.count && zip(x, y).allSatisfy(same)
    case (.table(let x), .table(let y)):
        return x.keys == y.keys && x.keys.allSatisfy { same(x[$0]!, y[$0]!) }
    default: return a == b
    }
}

/// Whether two parse results agree (success with the same value, or the same error).
func sameResult(_ a: Result<TOMLDocument, TOMLError>, _ b: Result<TOMLDocument, TOMLError>) -> Bool {
    switch (a, b) {
    case (.success(let x), .success(let y)): same(.table(x.root), .table(y.root))
    case (.failure(let x), .failure(let y)): x == y
    default: false
    }
}

/// Traps with `message` when `condition` is false; unlike `precondition`, the message survives `-O`.
func require(
    _ condition: Bool, _ message: @autoclosure () -> String, file: StaticString = #fileID, line: UInt = #line
) {
    if !condition { fatalError(message(), file: file, line: line) }
}
