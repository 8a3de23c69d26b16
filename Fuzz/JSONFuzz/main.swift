// libFuzzer target for the JSON module. Not part of Package.swift: Fuzz/run-json-fuzz.sh compiles this file
// together with Sources/JSON/*.swift into one module, so the module's API is used without an import.

/// Limits for fuzzing: deeper than the default to exercise nesting, small enough to stay fast.
let fuzzLimits = JSONLimits(maxDepth: 128, maxBytes: 1 << 20)

/// libFuzzer's entry point: `size` bytes at `data`, owned by libFuzzer for the duration of the call.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSON(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    // Sound: libFuzzer passes `size` readable bytes at `data` (possibly nil when size is 0); they are copied
    // out before returning and never retained.
    let bytes = unsafe Array(UnsafeBufferPointer(start: data, count: size))
    checkInvariants(of: bytes)
    return 0
}

/// Traps (so libFuzzer reports a crash) when any parser or serializer invariant fails for `bytes`.
func checkInvariants(of bytes: [UInt8]) {
    let result = Result { () throws(JSONError) in try JSONValue.parse(bytes, limits: fuzzLimits) }

    // The String overload must agree with the byte overload on every valid UTF-8 input.
    if let text = String(validating: bytes, as: UTF8.self) {
        let textResult = Result { () throws(JSONError) in try JSONValue.parse(text, limits: fuzzLimits) }
        precondition(textResult == result, "String and [UInt8] overloads disagree")
    }

    switch result {
    case .success(let value):
        // parse ∘ serialize is the identity on parsed values, and serialization is a fixed point.
        let once = value.serialized()
        let relaxed = JSONLimits(maxDepth: fuzzLimits.maxDepth, maxBytes: .max)
        guard let reparsed = try? JSONValue.parse(once, limits: relaxed) else {
            preconditionFailure("serialized output does not parse")
        }
        precondition(reparsed == value, "round trip changed the value")
        precondition(reparsed.serialized() == once, "serialization is not stable")
        checkNumber(value, parsedFrom: bytes)
    case .failure(let error):
        checkErrorOffset(error, in: bytes)
    }
}

/// A top-level number must match the standard library's correctly rounded reading of the same lexeme
/// (this checks the parser's fast path and its Int64 accumulation).
func checkNumber(_ value: JSONValue, parsedFrom bytes: [UInt8]) {
    let lexeme = String(decoding: bytes.filter { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }, as: UTF8.self)
    switch value {
    case .double(let double):
        precondition(Double(lexeme)?.bitPattern == double.bitPattern, "double differs from Double(String)")
    case .int(let int):
        precondition(Double(lexeme) == Double(int), "integer differs from Double(String)")
        precondition(Int64(lexeme) == int || lexeme == "-0", "integer differs from Int64(String)")
    default:
        break
    }
}

/// Every offset an error reports must point at a byte that can explain it.
func checkErrorOffset(_ error: JSONError, in bytes: [UInt8]) {
    switch error {
    case .unexpectedEnd:
        break
    case .tooLarge(let count, let limit):
        precondition(count == bytes.count && count > limit)
    case .unexpectedByte(let offset), .invalidUTF8(let offset):
        precondition(bytes.indices.contains(offset))
    case .depthLimitExceeded(let offset):
        precondition(bytes.indices.contains(offset) && (bytes[offset] == 0x5B || bytes[offset] == 0x7B))
    case .invalidEscape(let offset):
        precondition(bytes.indices.contains(offset) && bytes[offset] == 0x5C)
    case .invalidNumber(let offset):
        precondition(bytes.indices.contains(offset) && (bytes[offset] == 0x2D || (0x30...0x39).contains(bytes[offset])))
    case .trailingData(let offset):
        precondition(bytes.indices.contains(offset) && ![0x20, 0x09, 0x0A, 0x0D].contains(bytes[offset]))
    }
}
