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
        let entries = try cbor { () throws(DagCBORError) in try reader.head(expecting: 5) }
        guard entries == 2 else { throw .invalidHeader("the header map has \(entries) entries, not 2") }
        var roots: [CID]?
        var version: UInt64?
        for _ in 0..<2 {
            switch try cbor({ () throws(DagCBORError) in try reader.text() }) {
            case "roots" where roots == nil:
                let count = try cbor { () throws(DagCBORError) in try reader.head(expecting: 4) }
                guard count <= UInt64(maximumRoots) else { throw .invalidHeader("more than \(maximumRoots) roots") }
                roots = try (0..<Int(count)).map { _ throws(CARError) in
                    try cbor { () throws(DagCBORError) in try reader.link() }
                }
            case "version" where version == nil:
                version = try cbor { () throws(DagCBORError) in try reader.head(expecting: 0) }
            case let key:
                throw .invalidHeader("unexpected or repeated key \"\(key)\"")
            }
        }
        guard reader.isAtEnd else { throw .invalidHeader("bytes after the header map") }
        guard version == 1 else { throw .unsupportedVersion(version ?? 0) }
        return roots ?? []
    }

    /// Runs one read of the header's CBOR, turning a CBOR error into an invalid header.
    private static func cbor<T>(_ read: () throws(DagCBORError) -> T) throws(CARError) -> T {
        do { return try read() } catch { throw .invalidHeader("\(error)") }
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
