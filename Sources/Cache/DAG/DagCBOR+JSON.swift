import JSON

extension DagCBOR {
    /// `block` as DAG-JSON (what kubo's `dag get` prints): map keys sorted by their UTF-8 bytes, links as
    /// `{"/":"<CID>"}`, bytes as `{"/":{"bytes":"<unpadded base64>"}}`, floats in their shortest form. The block is
    /// first checked whole by `links(in:)` (canonical, at most `maximumDepth` deep), so the recursion below is
    /// bounded and meets only the shapes that check allows. A map whose only key is `/` holding a string, or a map
    /// whose only key is `bytes` holding a string, cannot be written (DAG-JSON
    /// reserves `{"/": "…"}` for links and `{"/": {"bytes": "…"}}` for bytes) and throws `reservedDagJSONKey`.
    public static func dagJSON(_ block: [UInt8]) throws(DagCBORError) -> [UInt8] {
        _ = try links(in: block)
        var reader = CBOR.Reader(block)
        var out: [UInt8] = []
        try transcode(&reader, into: &out)
        return out
    }

    /// What a written value looks like, as far as DAG-JSON's reserved `{"/": …}` forms care.
    private enum Shape {
        case string
        /// A map whose only entry is `"bytes"` holding a string.
        case bytesLike
        case other
    }

    @discardableResult
    private static func transcode(_ reader: inout CBOR.Reader, into out: inout [UInt8]) throws(DagCBORError) -> Shape {
        let head = try reader.head()
        switch head.major {
        case 0:
            out += String(head.argument).utf8
        case 1:  // -1 - argument, which for the largest argument is one past Int64's range
            out += (head.argument == .max ? "-18446744073709551616" : "-\(head.argument + 1)").utf8
        case 2:
            bytes(Array(try reader.take(head.argument, itemAt: head.offset)), into: &out)
        case 3:
            JSONValue.string(try reader.textContent(length: head.argument, itemAt: head.offset)).serialize(into: &out)
            return .string
        case 4:
            out.append(UInt8(ascii: "["))
            for index in 0..<head.argument {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                try transcode(&reader, into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case 5:
            var entries: [(key: String, value: [UInt8], shape: Shape)] = []
            for _ in 0..<head.argument {
                let key = try reader.text()
                var value: [UInt8] = []
                let shape = try transcode(&reader, into: &value)
                entries.append((key, value, shape))
            }
            // {"/": "…"} reads back as a link and {"/": {"bytes": "…"}} as bytes: neither can be written.
            if entries.count == 1, entries[0].key == "/", entries[0].shape != .other {
                throw .reservedDagJSONKey(offset: head.offset)
            }
            entries.sort { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
            out.append(UInt8(ascii: "{"))
            for (index, entry) in entries.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                JSONValue.string(entry.key).serialize(into: &out)
                out.append(UInt8(ascii: ":"))
                out += entry.value
            }
            out.append(UInt8(ascii: "}"))
            return entries.count == 1 && entries[0].key == "bytes" && entries[0].shape == .string ? .bytesLike : .other
        case 6:
            let cid = try reader.linkContent(tagAt: head.offset)
            out += "{\"/\":\"\(cid)\"}".utf8
        default:
            // A simple value is one byte; a float64 (whose bits may equal 20…22) is nine.
            guard reader.offset - head.offset == 1 else {
                JSONValue.double(Double(bitPattern: head.argument)).serialize(into: &out)
                return .other
            }
            out += (head.argument == 20 ? "false" : head.argument == 21 ? "true" : "null").utf8
        }
        return .other
    }

    private static func bytes(_ data: [UInt8], into out: inout [UInt8]) {
        out += "{\"/\":{\"bytes\":\"\(Multibase.base64.encodeWithoutPrefix(data))\"}}".utf8
    }
}
