import Glibc

/// Small files read whole with read(2), without Foundation: TLS material and the node's keystore and password.
public enum FileBytes {
    /// Why a file could not be read.
    public enum Failure: Error {
        /// open or read failed with this errno.
        case system(errno: Int32)
        /// The file holds more than the limit.
        case tooLarge
    }

    /// The whole file at `path`, at most `limit` bytes.
    public static func read(_ path: String, limit: Int) throws(Failure) -> [UInt8] {
        // Sound: the path is passed as a NUL-terminated copy that lives for the call.
        let fd = unsafe open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .system(errno: errno) }
        defer { close(fd) }
        var contents: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16_384)
        while true {
            // Sound: read writes at most chunk.count bytes into chunk's storage.
            let count = unsafe chunk.withUnsafeMutableBytes { unsafe Glibc.read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw .system(errno: errno)
            }
            if count == 0 { return contents }
            contents.append(contentsOf: chunk[0..<count])
            guard contents.count <= limit else { throw .tooLarge }
        }
    }
}
