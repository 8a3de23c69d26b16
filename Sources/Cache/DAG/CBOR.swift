/// The one CBOR (RFC 8949) reader and writer of the target, restricted to the DAG-CBOR data model: heads with
/// minimal arguments, definite lengths only, tag 42 as the only tag, `false`/`true`/`null` and 64-bit finite
/// floats as the only major-7 items. The CAR header and the DAG-CBOR link walker read through it.
enum CBOR {
    /// The CBOR tag of an IPLD link: a byte string holding 0x00 and a binary CID.
    static let linkTag: UInt64 = 42

    /// Appends a head of major type `major` with `value` as its argument, minimally encoded.
    static func appendHead(major: UInt8, _ value: UInt64, to out: inout [UInt8]) {
        let type = major << 5
        switch value {
        case 0..<24: out.append(type | UInt8(value))
        case 24...0xFF: out += [type | 24, UInt8(value)]
        case 0x100...0xFFFF: out += [type | 25, UInt8(value >> 8), UInt8(truncatingIfNeeded: value)]
        case 0x1_0000...0xFFFF_FFFF:
            out.append(type | 26)
            out += (0..<4).reversed().map { UInt8(truncatingIfNeeded: value >> (8 * UInt64($0))) }
        default:
            out.append(type | 27)
            out += (0..<8).reversed().map { UInt8(truncatingIfNeeded: value >> (8 * UInt64($0))) }
        }
    }

    /// Appends a text string.
    static func appendText(_ text: String, to out: inout [UInt8]) {
        appendHead(major: 3, UInt64(text.utf8.count), to: &out)
        out += text.utf8
    }

    /// One item's head: its major type and argument (a length, count, value, tag number or float's bits).
    struct Head {
        var major: UInt8
        var argument: UInt64
        /// Where the head starts.
        var offset: Int
    }

    /// A strict cursor over DAG-CBOR bytes. Nothing is allocated for a claimed length before it is checked
    /// against the bytes that remain.
    struct Reader {
        private let bytes: [UInt8]
        private(set) var offset = 0

        init(_ bytes: [UInt8]) { self.bytes = bytes }

        var isAtEnd: Bool { offset == bytes.count }

        /// The bytes not read yet.
        var remaining: Int { bytes.count - offset }

        /// The next head. Refuses indefinite lengths, reserved additional information, arguments that are not
        /// minimally encoded, and major-7 items outside the DAG-CBOR data model.
        mutating func head() throws(DagCBORError) -> Head {
            let start = offset
            guard offset < bytes.count else { throw .truncated(offset: start, needed: 1) }
            let initial = bytes[offset]
            offset += 1
            let major = initial >> 5
            let info = initial & 0x1F
            if info == 31 { throw .indefiniteLength(offset: start) }
            guard info <= 27 else { throw .reservedAdditionalInformation(offset: start, info) }
            if major == 7 { try Self.checkSimple(info, offset: start) }
            guard info >= 24 else { return Head(major: major, argument: UInt64(info), offset: start) }
            let width = 1 << Int(info - 24)
            guard width <= remaining else { throw .truncated(offset: start, needed: UInt64(1 + width)) }
            let value = bytes[offset..<offset + width].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            offset += width
            if major == 7 {
                // A float64: the exponent all ones is an infinity or a NaN, which DAG-CBOR excludes.
                guard (value >> 52) & 0x7FF != 0x7FF else { throw .nonFiniteFloat(offset: start) }
            } else if value < (width == 1 ? 24 : 1 << (4 * UInt64(width))) {
                throw .nonMinimalArgument(offset: start)
            }
            return Head(major: major, argument: value, offset: start)
        }

        /// `false`, `true`, `null` and 64-bit floats only (no `undefined`, other simple values, half or single
        /// floats).
        private static func checkSimple(_ info: UInt8, offset: Int) throws(DagCBORError) {
            switch info {
            case 20...22, 27: return
            case 25, 26: throw .narrowFloat(offset: offset)
            default: throw .unsupportedSimpleValue(offset: offset, info)
            }
        }

        /// A head of major type `major`; its argument.
        mutating func head(expecting major: UInt8) throws(DagCBORError) -> UInt64 {
            let head = try head()
            guard head.major == major else {
                throw .unexpectedType(offset: head.offset, expected: major, found: head.major)
            }
            return head.argument
        }

        /// The next `count` bytes, after checking that many remain; `start` is the offset errors name.
        mutating func take(_ count: UInt64, itemAt start: Int) throws(DagCBORError) -> ArraySlice<UInt8> {
            guard count <= UInt64(remaining) else { throw .truncated(offset: start, needed: count) }
            defer { offset += Int(count) }
            return bytes[offset..<offset + Int(count)]
        }

        /// The UTF-8 content of a text string whose head (at `start`) announced `length` bytes.
        mutating func textContent(length: UInt64, itemAt start: Int) throws(DagCBORError) -> String {
            let raw = try take(length, itemAt: start)
            guard let text = String(validating: raw, as: UTF8.self) else { throw .invalidUTF8(offset: start) }
            return text
        }

        /// A text string.
        mutating func text() throws(DagCBORError) -> String {
            let start = offset
            return try textContent(length: try head(expecting: 3), itemAt: start)
        }

        /// The encoded bytes of a text string (head included), for key-order checks.
        mutating func textItem() throws(DagCBORError) -> Range<Int> {
            let start = offset
            _ = try textContent(length: try head(expecting: 3), itemAt: start)
            return start..<offset
        }

        /// Compares two encoded items byte by byte (for text keys with minimal heads: length first, then bytes).
        func precedes(_ left: Range<Int>, _ right: Range<Int>) -> Bool {
            bytes[left].lexicographicallyPrecedes(bytes[right])
        }

        /// A link: a tag-42 head, then the tagged byte string.
        mutating func link() throws(DagCBORError) -> CID {
            let start = offset
            let tag = try head(expecting: 6)
            guard tag == CBOR.linkTag else { throw .unsupportedTag(offset: start, tag) }
            return try linkContent(tagAt: start)
        }

        /// The item after a tag-42 head at `start`: a byte string holding 0x00 and a binary CID.
        mutating func linkContent(tagAt start: Int) throws(DagCBORError) -> CID {
            let inner = try head()
            guard inner.major == 2 else { throw .invalidLink(offset: start, "tag 42 wraps major type \(inner.major)") }
            let raw = try take(inner.argument, itemAt: inner.offset)
            guard raw.first == 0x00 else { throw .invalidLink(offset: start, "the CID lacks its 0x00 prefix") }
            do { return try CID(bytes: Array(raw.dropFirst())) } catch { throw .invalidLink(offset: start, "\(error)") }
        }
    }
}
