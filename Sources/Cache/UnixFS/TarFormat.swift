/// POSIX tar (ustar, with pax extended headers when a name, a link target or a size does not fit): the archive
/// `ipfs get` streams. Headers only; the caller writes each file's bytes, then `padding(afterFileOf:)`, and
/// `end` after the last entry. Modes are fixed (0644 files, 0755 directories, 0777 symlinks), owners 0, mtime 0:
/// the same DAG always gives the same bytes.
public enum TarFormat {
    /// What an entry is.
    public enum Kind: Equatable, Sendable {
        /// A regular file of `size` bytes (the bytes follow the header).
        case file(size: UInt64)
        /// A directory; its name ends with `/` in the archive.
        case directory
        /// A symbolic link to `target`.
        case symlink(target: String)
    }

    /// One record.
    public static let blockSize = 512
    /// Two zero records: the end of the archive.
    public static let end = [UInt8](repeating: 0, count: 2 * blockSize)

    /// The largest size the ustar `size` field holds (11 octal digits); larger files get a pax `size` record.
    static let maximumOctalSize: UInt64 = 0o777_7777_7777

    /// The header record(s) of one entry: a pax header first when `name`, the link target or the size does not
    /// fit ustar's fields. Throws when `name` is empty, absolute, or holds a NUL, `.` or `..` component.
    public static func header(name: String, kind: Kind) throws(TarError) -> [UInt8] {
        try verifyName(name)
        if case .symlink(let target) = kind, target.utf8.contains(0) { throw .invalidName(name) }
        let fullName = kind == .directory ? name + "/" : name
        var pax: [(String, String)] = []
        let split = splitName(Array(fullName.utf8))
        if split == nil { pax.append(("path", fullName)) }
        if case .symlink(let target) = kind, target.utf8.count > 100 { pax.append(("linkpath", target)) }
        if case .file(let size) = kind, size > maximumOctalSize { pax.append(("size", String(size))) }
        var out: [UInt8] = []
        if !pax.isEmpty {
            let records = paxRecords(pax)
            out += record(
                prefix: [], name: Array("PaxHeaders/\(fullName.utf8.count)".utf8), mode: 0o644,
                size: UInt64(records.count), type: UInt8(ascii: "x"), link: [])
            out += records
            out += padding(afterFileOf: UInt64(records.count))
        }
        let (prefix, shortName) = split ?? ([], Array(fullName.utf8.suffix(99)))
        switch kind {
        case .file(let size):
            out += record(
                prefix: prefix, name: shortName, mode: 0o644, size: min(size, maximumOctalSize),
                type: UInt8(ascii: "0"), link: [])
        case .directory:
            out += record(prefix: prefix, name: shortName, mode: 0o755, size: 0, type: UInt8(ascii: "5"), link: [])
        case .symlink(let target):
            out += record(
                prefix: prefix, name: shortName, mode: 0o777, size: 0, type: UInt8(ascii: "2"),
                link: Array(target.utf8.prefix(100)))
        }
        return out
    }

    /// The zeros that round a file of `size` bytes up to whole records.
    public static func padding(afterFileOf size: UInt64) -> [UInt8] {
        let remainder = Int(size % UInt64(blockSize))
        return remainder == 0 ? [] : [UInt8](repeating: 0, count: blockSize - remainder)
    }

    private static func verifyName(_ name: String) throws(TarError) {
        guard !name.isEmpty, !name.hasPrefix("/"), !name.utf8.contains(0) else { throw .invalidName(name) }
        for component in name.split(separator: "/", omittingEmptySubsequences: false)
        where component.isEmpty || component == "." || component == ".." {
            throw .invalidName(name)
        }
    }

    /// `name` as ustar's (prefix ≤ 155, name ≤ 100) split at a `/`, or nil when it does not fit.
    static func splitName(_ name: [UInt8]) -> (prefix: [UInt8], name: [UInt8])? {
        if name.count <= 100 { return ([], name) }
        // The last `/` that leaves at most 100 bytes after it and at most 155 before it.
        for index in name.indices.reversed() where name[index] == UInt8(ascii: "/") {
            let rest = name.count - index - 1
            guard rest <= 100 else { break }
            if index <= 155, rest > 0 { return (Array(name[..<index]), Array(name[(index + 1)...])) }
        }
        return nil
    }

    /// pax records, `"<length> <key>=<value>\n"` where the length counts the whole record, itself included.
    static func paxRecords(_ entries: [(String, String)]) -> [UInt8] {
        var out: [UInt8] = []
        for (key, value) in entries {
            let body = " \(key)=\(value)\n".utf8.count
            var length = body + 1
            while body + String(length).count != length { length = body + String(length).count }
            out += Array("\(length) \(key)=\(value)\n".utf8)
        }
        return out
    }

    private static func record(
        prefix: [UInt8], name: [UInt8], mode: UInt64, size: UInt64, type: UInt8, link: [UInt8]
    ) -> [UInt8] {
        var header = [UInt8](repeating: 0, count: blockSize)
        func put(_ bytes: [UInt8], at offset: Int, width: Int) {
            for (index, byte) in bytes.prefix(width).enumerated() { header[offset + index] = byte }
        }
        func octal(_ value: UInt64, at offset: Int, width: Int) {
            let digits = String(value, radix: 8)
            put(
                Array((String(repeating: "0", count: max(0, width - 1 - digits.count)) + digits).utf8), at: offset,
                width: width - 1)
        }
        put(name, at: 0, width: 100)
        octal(mode, at: 100, width: 8)
        octal(0, at: 108, width: 8)
        octal(0, at: 116, width: 8)
        octal(size, at: 124, width: 12)
        octal(0, at: 136, width: 12)
        put(Array("        ".utf8), at: 148, width: 8)
        header[156] = type
        put(link, at: 157, width: 100)
        put(Array("ustar\u{0}00".utf8), at: 257, width: 8)
        put(prefix, at: 345, width: 155)
        let checksum = header.reduce(0) { $0 + UInt64($1) }
        octal(checksum, at: 148, width: 7)  // six digits, then NUL and space
        header[154] = 0
        header[155] = UInt8(ascii: " ")
        return header
    }
}

/// Why an entry cannot be written.
public enum TarError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The name is empty, absolute, or holds a NUL, `.` or `..` component (an archive must not escape its folder).
    case invalidName(String)
    /// A symlink points outside its archive (an absolute target or a `..` component): an extractor that follows it
    /// would write through it.
    case unsafeLinkTarget(String)
    /// Two entries of one directory share a name (a later one could replace an earlier symlink's place).
    case duplicateName(String)

    public var description: String {
        switch self {
        case .invalidName(let name): "'\(name.prefix(64))' is not a safe archive entry name"
        case .unsafeLinkTarget(let target): "symlink target '\(target.prefix(64))' leaves the archive"
        case .duplicateName(let name): "'\(name.prefix(64))' appears twice in one directory"
        }
    }
}
