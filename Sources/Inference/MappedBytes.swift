import Glibc

/// Read-only bytes of a model file: a private read-only `mmap` of the file, or a private copy of an array.
///
/// This is the one place that holds the mapping's raw pointer. Everything else reads through bounds-checked
/// methods or a `RawSpan` limited to a checked range; the mapping lives as long as this object.
// @safe: the pointer never leaves this file except as a RawSpan scoped to a call, and is released once, in deinit.
@safe public final class MappedBytes: Sendable {
    /// Why a file could not be mapped.
    public enum MapError: Error, Equatable, Sendable {
        /// `open` failed with this `errno`.
        case open(errno: Int32)
        /// `fstat` failed or the path is not a regular file.
        case notARegularFile
        /// The file is larger than this process can address.
        case tooLarge(byteCount: Int64)
        /// `mmap` failed with this `errno`.
        case map(errno: Int32)
    }

    private enum Owner { case mapping, allocation, none }

    // Sound: written once in init, never mutated, unmapped or freed only in deinit; the memory is read-only.
    private nonisolated(unsafe) let base: UnsafeRawPointer?
    private let owner: Owner
    /// The number of bytes.
    public let count: Int

    /// Maps the file at `path` read-only.
    public init(contentsOfFile path: String) throws(MapError) {
        let descriptor = unsafe open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw .open(errno: errno) }
        defer { close(descriptor) }
        var status = stat()
        guard unsafe fstat(descriptor, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else {
            throw .notARegularFile
        }
        guard let size = Int(exactly: status.st_size) else { throw .tooLarge(byteCount: Int64(status.st_size)) }
        count = size
        guard size > 0 else {
            unsafe base = nil
            owner = .none
            return
        }
        let mapped = unsafe mmap(nil, size, PROT_READ, MAP_PRIVATE, descriptor, 0)
        guard let mapped = unsafe mapped, unsafe mapped != MAP_FAILED else { throw .map(errno: errno) }
        unsafe base = UnsafeRawPointer(mapped)
        owner = .mapping
    }

    /// Copies `bytes` into a private buffer (tests and fuzzing parse in-memory files this way).
    public init(copying bytes: [UInt8]) {
        count = bytes.count
        guard !bytes.isEmpty else {
            unsafe base = nil
            owner = .none
            return
        }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes.count, alignment: 64)
        unsafe buffer.copyBytes(from: bytes)
        unsafe base = UnsafeRawPointer(buffer.baseAddress)
        owner = .allocation
    }

    deinit {
        guard let base = unsafe base else { return }
        switch owner {
        case .mapping: unsafe _ = munmap(UnsafeMutableRawPointer(mutating: base), count)
        case .allocation: unsafe base.deallocate()
        case .none: break
        }
    }

    /// Lets the kernel drop the mapped file's pages wholly inside `range` from this process's memory (they are read
    /// again from the file if touched): for data copied elsewhere, such as Q4_0 rows regrouped at load. A no-op for
    /// copied bytes.
    func releasePages(_ range: Range<Int>) {
        guard owner == .mapping, let base = unsafe base, range.lowerBound >= 0, range.upperBound <= count else {
            return
        }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let start = (range.lowerBound + page - 1) / page * page
        let end = range.upperBound / page * page
        guard start < end else { return }
        // Sound: [start, end) lies inside the mapping; MADV_DONTNEED on a private read-only file mapping only drops
        // resident pages, which fault back in unchanged from the file.
        _ = unsafe madvise(UnsafeMutableRawPointer(mutating: base + start), end - start, MADV_DONTNEED)
    }

    /// Whether `count` bytes at `offset` lie inside the buffer (false on negative values or overflow).
    public func contains(offset: Int, count length: Int) -> Bool {
        guard offset >= 0, length >= 0 else { return false }
        let (end, overflow) = offset.addingReportingOverflow(length)
        return !overflow && end <= count
    }

    /// The little-endian integer at `offset`, or `nil` if it does not fit in the buffer.
    public func loadLittleEndian<T: FixedWidthInteger & BitwiseCopyable>(_: T.Type, at offset: Int) -> T? {
        guard contains(offset: offset, count: MemoryLayout<T>.size), let base = unsafe base else { return nil }
        // Sound: the range was checked above; any bit pattern is a valid integer.
        return T(littleEndian: unsafe base.loadUnaligned(fromByteOffset: offset, as: T.self))
    }

    /// A copy of `length` bytes at `offset`, or `nil` if they do not fit.
    public func bytes(at offset: Int, count length: Int) -> [UInt8]? {
        guard contains(offset: offset, count: length) else { return nil }
        guard length > 0, let base = unsafe base else { return [] }
        // Sound: the range was checked above.
        return unsafe Array(UnsafeRawBufferPointer(start: base + offset, count: length))
    }

    /// The UTF-8 string of `length` bytes at `offset`; `nil` if out of range or not valid UTF-8.
    public func utf8String(at offset: Int, count length: Int) -> String? {
        guard contains(offset: offset, count: length) else { return nil }
        guard length > 0, let base = unsafe base else { return "" }
        // Sound: the range was checked above.
        let buffer = unsafe UnsafeRawBufferPointer(start: base + offset, count: length)
        return unsafe String(validating: buffer.bindMemory(to: UInt8.self), as: UTF8.self)
    }

    /// Calls `body` with the bytes in `range`, which must lie inside the buffer.
    public func withSpan<R, E: Error>(_ range: Range<Int>, _ body: (RawSpan) throws(E) -> R) throws(E) -> R {
        precondition(range.lowerBound >= 0 && range.upperBound <= count, "byte range outside the buffer")
        guard let base = unsafe base else { return try body(RawSpan()) }
        // Sound: the range was checked above and the memory outlives the call (self is alive during it).
        let span = unsafe RawSpan(_unsafeStart: base + range.lowerBound, byteCount: range.count)
        return try body(span)
    }
}
