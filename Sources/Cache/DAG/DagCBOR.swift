/// DAG-CBOR blocks: their links, found by a strict, bounded walk over the CBOR data model.
public enum DagCBOR {
    /// The deepest nesting of arrays and maps accepted.
    public static let maximumDepth = 256

    /// Every link (tag 42) in `block`, depth-first in document order, repeats included. The whole block is
    /// checked: it must be exactly one canonical DAG-CBOR item (see `CBOR.Reader` and `DagCBORError`).
    public static func links(in block: [UInt8]) throws(DagCBORError) -> [CID] {
        var walk = Walk(reader: CBOR.Reader(block))
        try walk.item()
        while try walk.step() {}
        guard walk.reader.isAtEnd else { throw .trailingBytes(offset: walk.reader.offset) }
        return walk.links
    }

    /// The walk's state: an explicit stack of open arrays and maps, so hostile nesting costs no call stack.
    struct Walk {
        /// An open array or map: how many items (keys and values alike) it still holds.
        struct Container {
            var remaining: UInt64
            let isMap: Bool
            var lastKey: Range<Int>?
        }

        var reader: CBOR.Reader
        var stack: [Container] = []
        var links: [CID] = []

        /// Reads one whole item, containers with everything in them.
        mutating func skipItem() throws(DagCBORError) {
            let base = stack.count
            try item()
            while stack.count > base { _ = try step() }
        }

        /// Reads the next item of the innermost open container; false once none is open.
        mutating func step() throws(DagCBORError) -> Bool {
            guard let top = stack.indices.last else { return false }
            guard stack[top].remaining > 0 else {
                stack.removeLast()
                return true
            }
            // A map of n entries holds 2n items; a key comes when an even number remain.
            let isKey = stack[top].isMap && stack[top].remaining % 2 == 0
            stack[top].remaining -= 1
            if isKey { try key(in: top) } else { try item() }
            return true
        }

        /// A map key: a text string, after the previous key in canonical order (length first, then bytes).
        mutating func key(in container: Int) throws(DagCBORError) {
            let start = reader.offset
            let key: Range<Int>
            do { key = try reader.textItem() } catch .unexpectedType { throw .nonTextMapKey(offset: start) }
            if let previous = stack[container].lastKey, !reader.precedes(previous, key) {
                throw .unorderedMapKey(offset: start)
            }
            stack[container].lastKey = key
        }

        /// One item: scalars are checked and skipped, links collected, containers opened.
        mutating func item() throws(DagCBORError) {
            let head = try reader.head()
            switch head.major {
            case 2: _ = try reader.take(head.argument, itemAt: head.offset)
            case 3: _ = try reader.textContent(length: head.argument, itemAt: head.offset)
            case 4, 5: try open(head)
            case 6:
                guard head.argument == CBOR.linkTag else { throw .unsupportedTag(offset: head.offset, head.argument) }
                links.append(try reader.linkContent(tagAt: head.offset))
            default: break  // integers and the simple values and floats `head()` let through
            }
        }

        /// Opens an array or map once its item count fits the remaining bytes (each item takes one at least) and
        /// the nesting limit allows another level.
        mutating func open(_ head: CBOR.Head) throws(DagCBORError) {
            let isMap = head.major == 5
            let (items, overflow) = head.argument.multipliedReportingOverflow(by: isMap ? 2 : 1)
            guard !overflow, items <= UInt64(reader.remaining) else {
                throw .truncated(offset: head.offset, needed: overflow ? .max : items)
            }
            guard stack.count < DagCBOR.maximumDepth else {
                throw .depthLimitExceeded(offset: head.offset, limit: DagCBOR.maximumDepth)
            }
            stack.append(Container(remaining: items, isMap: isMap))
        }
    }
}

/// Why bytes are not canonical DAG-CBOR. Offsets count bytes from the start of the block and point at the head
/// of the offending item.
public enum DagCBORError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The item needs `needed` more bytes (or, for an array or map, items) than remain.
    case truncated(offset: Int, needed: UInt64)
    /// An indefinite-length string, array or map, or a break (DAG-CBOR has only definite lengths).
    case indefiniteLength(offset: Int)
    /// Additional information 28–30, reserved by RFC 8949.
    case reservedAdditionalInformation(offset: Int, UInt8)
    /// A length, count or integer not in its shortest form.
    case nonMinimalArgument(offset: Int)
    /// A half- or single-precision float (DAG-CBOR floats are 64-bit).
    case narrowFloat(offset: Int)
    /// A NaN or an infinity.
    case nonFiniteFloat(offset: Int)
    /// A simple value other than `false`, `true` and `null`.
    case unsupportedSimpleValue(offset: Int, UInt8)
    /// A tag other than 42.
    case unsupportedTag(offset: Int, UInt64)
    /// A tag 42 that does not wrap a byte string of 0x00 and a valid CID.
    case invalidLink(offset: Int, String)
    /// A text string that is not UTF-8.
    case invalidUTF8(offset: Int)
    /// A map key that is not a text string.
    case nonTextMapKey(offset: Int)
    /// A map key equal to or sorting before the previous one.
    case unorderedMapKey(offset: Int)
    /// Arrays and maps nested deeper than `limit`.
    case depthLimitExceeded(offset: Int, limit: Int)
    /// A different major type than the place requires.
    case unexpectedType(offset: Int, expected: UInt8, found: UInt8)
    /// Bytes after the single top-level item.
    case trailingBytes(offset: Int)
    /// A map whose only key is `/` holding a string or `{"bytes": string}`: valid DAG-CBOR, but DAG-JSON reads that
    /// shape as a link or bytes.
    case reservedDagJSONKey(offset: Int)

    public var description: String { "invalid dag-cbor: \(detail)" }

    private var detail: String {
        switch self {
        case .truncated(let offset, let needed): "item at \(offset) needs \(needed) more than remain"
        case .indefiniteLength(let offset): "indefinite length at \(offset)"
        case .reservedAdditionalInformation(let offset, let info): "reserved additional info \(info) at \(offset)"
        case .nonMinimalArgument(let offset): "argument at \(offset) not minimally encoded"
        case .narrowFloat(let offset): "float at \(offset) is not 64-bit"
        case .nonFiniteFloat(let offset): "NaN or infinity at \(offset)"
        case .unsupportedSimpleValue(let offset, let value): "simple value \(value) at \(offset)"
        case .unsupportedTag(let offset, let tag): "tag \(tag) at \(offset) (only 42)"
        case .invalidLink(let offset, let reason): "invalid link at \(offset): \(reason)"
        case .invalidUTF8(let offset): "text at \(offset) is not UTF-8"
        case .nonTextMapKey(let offset): "map key at \(offset) is not text"
        case .unorderedMapKey(let offset): "map key at \(offset) repeats or is out of canonical order"
        case .depthLimitExceeded(let offset, let limit): "nesting deeper than \(limit) at \(offset)"
        case .unexpectedType(let offset, let expected, let found): "major type \(found) at \(offset), not \(expected)"
        case .trailingBytes(let offset): "bytes after the item, from \(offset)"
        case .reservedDagJSONKey(let offset): "map at \(offset) has the shape DAG-JSON reserves for links and bytes"
        }
    }
}
