@unsafe import Glibc

/// Why a file could not be read or written.
public struct FileError: Error, Equatable, CustomStringConvertible {
    public let path: String
    public let reason: String

    public var description: String { "\(path): \(reason)" }

    static func system(_ path: String, _ action: String) -> FileError {
        // Sound: strerror returns a NUL-terminated static or thread-local string, copied at once.
        FileError(path: path, reason: "cannot \(action): \(unsafe String(cString: strerror(errno)))")
    }
}

/// A file (or standard input, as `-`) read in chunks with read(2): the one place the commands read raw bytes.
final class InputFile {
    let path: String
    private let file: FileDescriptor
    private var descriptor: Int32 { file.number }

    /// Opens `path` for reading; `-` is standard input.
    init(path: String) throws(FileError) {
        self.path = path
        file = try FileDescriptor(path: path, standard: 0, flags: O_RDONLY, action: "open")
    }

    /// Up to `count` bytes; empty at the end of the file.
    func read(upTo count: Int) throws(FileError) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: count)
        while true {
            // Sound: read(2) writes at most buffer.count bytes into the buffer, which lives for the call.
            let got = unsafe buffer.withUnsafeMutableBytes { unsafe Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if got >= 0 {
                buffer.removeLast(buffer.count - got)
                return buffer
            }
            guard errno == EINTR else { throw .system(path, "read") }
        }
    }
}

/// A file (or standard output, as `-`) written with write(2), whole buffers at a time.
final class OutputFile {
    let path: String
    private let file: FileDescriptor
    private var descriptor: Int32 { file.number }

    /// Creates or truncates `path` (mode 0644 before the umask); `-` is standard output.
    init(path: String) throws(FileError) {
        self.path = path
        file = try FileDescriptor(path: path, standard: 1, flags: O_WRONLY | O_CREAT | O_TRUNC, action: "create")
    }

    /// Writes every byte, retrying short writes and interruptions.
    func write(_ bytes: ArraySlice<UInt8>) throws(FileError) {
        var rest = bytes
        while !rest.isEmpty {
            // Sound: write(2) reads at most rest.count bytes from the slice's storage, alive for the call.
            let wrote = unsafe rest.withUnsafeBytes { unsafe Glibc.write(descriptor, $0.baseAddress, $0.count) }
            if wrote < 0 {
                guard errno == EINTR else { throw .system(path, "write") }
                continue
            }
            rest = rest.dropFirst(wrote)
        }
    }

    /// Whether it is a terminal (progress lines go only to terminals).
    static func isTerminal(_ descriptor: Int32) -> Bool {
        isatty(descriptor) == 1
    }
}

extension InputFile {
    /// The file's size when it is a regular file (nil for pipes and terminals).
    var regularFileSize: UInt64? {
        var status = stat()
        // Sound: fstat fills the local `status`, which lives for the call.
        guard unsafe fstat(descriptor, &status) == 0, status.st_mode & S_IFMT == S_IFREG else { return nil }
        return UInt64(status.st_size)
    }
}

/// An open descriptor: the standard stream `standard` for the path `-`, else a file opened here (close-on-exec,
/// mode 0644 if created) and closed when this goes away.
private final class FileDescriptor {
    let number: Int32
    private let owned: Bool

    init(path: String, standard: Int32, flags: Int32, action: String) throws(FileError) {
        guard path != "-" else {
            (number, owned) = (standard, false)
            return
        }
        // Sound: the path is passed as a NUL-terminated copy that lives for the call.
        number = unsafe open(path, flags | O_CLOEXEC, 0o644)
        guard number >= 0 else { throw .system(path, action) }
        owned = true
    }

    deinit {
        if owned { close(number) }
    }
}

extension InputFile {
    /// Every byte of the file; more than `limit` bytes is an error.
    static func readAll(path: String, limit: Int) throws(FileError) -> [UInt8] {
        let file = try InputFile(path: path)
        var bytes: [UInt8] = []
        while true {
            let chunk = try file.read(upTo: 64 << 10)
            if chunk.isEmpty { return bytes }
            bytes += chunk
            guard bytes.count <= limit else { throw FileError(path: path, reason: "larger than \(limit) bytes") }
        }
    }
}
