// libFuzzer target for multipart/form-data parsing (kubo RPC uploads). Not part of Package.swift:
// Fuzz/run-fuzz.sh multipart compiles this file with MultipartForm.swift and String+Trimming.swift.
//
// Byte 0 is the boundary's length (1...16), the next bytes the boundary, the rest the body.

/// libFuzzer's entry point: `size` bytes at `data`, owned by libFuzzer for the duration of the call.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMultipart(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    // Sound: libFuzzer passes `size` readable bytes at `data` (possibly nil when size is 0); they are copied
    // out before returning and never retained.
    let bytes = unsafe Array(UnsafeBufferPointer(start: data, count: size))
    guard let first = bytes.first else { return 0 }
    let length = 1 + Int(first % 16)
    guard bytes.count > length else { return 0 }
    let boundary = String(decoding: bytes[1...length], as: UTF8.self)
    let body = Array(bytes[(length + 1)...])
    _ = MultipartForm.boundary(contentType: "multipart/form-data; boundary=" + boundary)
    guard let parts = MultipartForm.parse(body, boundary: boundary) else { return 0 }
    precondition(parts.count <= MultipartForm.maximumParts, "part count bound")
    let delimiter = Array("\r\n--\(boundary)".utf8)
    for part in parts {
        precondition(part.body.startIndex >= 0 && part.body.endIndex <= body.count, "a part lies inside the body")
        // A part's content never contains the delimiter that would have ended it.
        precondition(MultipartForm.find(delimiter, in: Array(part.body), from: 0) == nil, "delimiter inside a part")
    }
    return 0
}
