/// CAR v1 framing: `varint(n) header` (dag-cbor `{"roots": [CID…], "version": 1}`), then sections
/// `varint(n) CID bytes`.
public enum CARFormat {
    /// The largest header accepted when reading.
    public static let maximumHeaderBytes = 64 << 10
    /// The most roots a header may list.
    public static let maximumRoots = 1024

    /// The encoded header (with its length prefix), keys in dag-cbor's canonical order.
    public static func header(roots: [CID]) -> [UInt8] {
        var cbor: [UInt8] = [0xA2]  // map of 2
        CBOR.appendText("roots", to: &cbor)
        CBOR.appendHead(major: 4, UInt64(roots.count), to: &cbor)
        for root in roots {
            CBOR.appendHead(major: 6, 42, to: &cbor)
            CBOR.appendHead(major: 2, UInt64(root.bytes.count + 1), to: &cbor)
            cbor.append(0x00)  // the multibase identity prefix dag-cbor puts before a binary CID
            cbor += root.bytes
        }
        CBOR.appendText("version", to: &cbor)
        cbor.append(0x01)
        return Varint.encode(UInt64(cbor.count)) + cbor
    }

    /// One encoded section (with its length prefix).
    public static func section(cid: CID, block: [UInt8]) -> [UInt8] {
        let cidBytes = cid.bytes
        return Varint.encode(UInt64(cidBytes.count + block.count)) + cidBytes + block
    }

    /// The roots of a header's dag-cbor body (without the length prefix). Strict: exactly the keys `roots` and
    /// `version`, version 1, every root a tag-42 CID.
    static func roots(fromHeader body: [UInt8]) throws(CARError) -> [CID] {
        var reader = CBOR.Reader(body)
        let entries = try reader.head(expecting: 5)
        guard entries == 2 else { throw .invalidHeader("the header map has \(entries) entries, not 2") }
        var roots: [CID]?
        var version: UInt64?
        for _ in 0..<2 {
            switch try reader.text() {
            case "roots" where roots == nil:
                let count = try reader.head(expecting: 4)
                guard count <= UInt64(maximumRoots) else { throw .invalidHeader("more than \(maximumRoots) roots") }
                roots = try (0..<Int(count)).map { _ throws(CARError) in try reader.cid() }
            case "version" where version == nil:
                version = try reader.head(expecting: 0)
            case let key:
                throw .invalidHeader("unexpected or repeated key \"\(key)\"")
            }
        }
        guard reader.isAtEnd else { throw .invalidHeader("bytes after the header map") }
        guard version == 1 else { throw .unsupportedVersion(version ?? 0) }
        return roots ?? []
    }
}

/// Why a CAR stream was refused.
public enum CARError: Error, Equatable, Sendable, CustomStringConvertible {
    case invalidHeader(String)
    case unsupportedVersion(UInt64)
    case invalidSection(String)
    case sectionTooLarge(UInt64, limit: Int)
    case hashMismatch(CID)
    case truncated
    case source(String)

    public var description: String {
        switch self {
        case .invalidHeader(let reason): "invalid CAR header: \(reason)"
        case .unsupportedVersion(let version): "unsupported CAR version \(version) (only 1)"
        case .invalidSection(let reason): "invalid CAR section: \(reason)"
        case .sectionTooLarge(let size, let limit): "CAR section of \(size) bytes exceeds \(limit)"
        case .hashMismatch(let cid): "CAR block does not match its CID \(cid)"
        case .truncated: "CAR stream ends inside a section"
        case .source(let reason): "reading the CAR stream failed: \(reason)"
        }
    }
}

/// The sliver of CBOR a CAR header needs (RFC 8949 heads, text, tag-42 CIDs), strict about minimal lengths.
enum CBOR {
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

    static func appendText(_ text: String, to out: inout [UInt8]) {
        appendHead(major: 3, UInt64(text.utf8.count), to: &out)
        out += text.utf8
    }

    struct Reader {
        private let bytes: [UInt8]
        private var offset = 0

        init(_ bytes: [UInt8]) { self.bytes = bytes }

        var isAtEnd: Bool { offset == bytes.count }

        /// A head of major type `major`; its argument (length, count or value), minimally encoded.
        mutating func head(expecting major: UInt8) throws(CARError) -> UInt64 {
            guard offset < bytes.count else { throw .invalidHeader("truncated") }
            let initial = bytes[offset]
            offset += 1
            guard initial >> 5 == major else { throw .invalidHeader("expected CBOR major type \(major)") }
            let info = initial & 0x1F
            guard info >= 24 else { return UInt64(info) }
            guard info <= 27 else { throw .invalidHeader("indefinite or reserved CBOR length") }
            let width = 1 << Int(info - 24)
            guard offset + width <= bytes.count else { throw .invalidHeader("truncated") }
            let value = bytes[offset..<offset + width].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            offset += width
            guard value >= (width == 1 ? 24 : 1 << (4 * UInt64(width))) else {
                throw .invalidHeader("CBOR length not minimally encoded")
            }
            return value
        }

        mutating func text() throws(CARError) -> String {
            let raw = try take(try head(expecting: 3))
            guard let text = String(validating: raw, as: UTF8.self) else { throw .invalidHeader("key is not UTF-8") }
            return text
        }

        mutating func cid() throws(CARError) -> CID {
            guard try head(expecting: 6) == 42 else { throw .invalidHeader("a root is not a tag-42 CID") }
            let raw = try take(try head(expecting: 2))
            guard raw.first == 0x00 else { throw .invalidHeader("a root CID lacks its 0x00 prefix") }
            do { return try CID(bytes: Array(raw.dropFirst())) } catch { throw .invalidHeader("root: \(error)") }
        }

        private mutating func take(_ count: UInt64) throws(CARError) -> [UInt8] {
            guard count <= UInt64(bytes.count - offset) else { throw .invalidHeader("truncated") }
            defer { offset += Int(count) }
            return Array(bytes[offset..<offset + Int(count)])
        }
    }
}
