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
    private let descriptor: Int32
    private let owned: Bool

    /// Opens `path` for reading; `-` is standard input.
    init(path: String) throws(FileError) {
        self.path = path
        if path == "-" {
            descriptor = 0
            owned = false
        } else {
            // Sound: the path is passed as a NUL-terminated copy that lives for the call.
            descriptor = unsafe open(path, O_RDONLY | O_CLOEXEC)
            guard descriptor >= 0 else { throw .system(path, "open") }
            owned = true
        }
    }

    deinit {
        if owned { close(descriptor) }
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
    private let descriptor: Int32
    private let owned: Bool

    /// Creates or truncates `path` (mode 0644 before the umask); `-` is standard output.
    init(path: String) throws(FileError) {
        self.path = path
        if path == "-" {
            descriptor = 1
            owned = false
        } else {
            // Sound: the path is passed as a NUL-terminated copy that lives for the call.
            descriptor = unsafe open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
            guard descriptor >= 0 else { throw .system(path, "create") }
            owned = true
        }
    }

    deinit {
        if owned { close(descriptor) }
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
