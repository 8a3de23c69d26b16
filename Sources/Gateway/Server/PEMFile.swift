import Glibc

/// TLS material read without Foundation.
enum PEMFile {
    /// The whole file at `path` plus a terminating NUL (PEM text for libmicrohttpd).
    static func read(_ path: String) throws(HTTPServerError) -> [CChar] {
        let fd = unsafe open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .unreadableTLSFile(path: path, errno: errno) }
        defer { close(fd) }
        var contents: [CChar] = []
        var chunk = [CChar](repeating: 0, count: 16_384)
        while true {
            // Sound: read writes at most chunk.count bytes into chunk's storage.
            let count = unsafe chunk.withUnsafeMutableBytes { unsafe Glibc.read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw .unreadableTLSFile(path: path, errno: errno)
            }
            if count == 0 { break }
            contents.append(contentsOf: chunk[0..<count])
            if contents.count > 1 << 20 { throw .unreadableTLSFile(path: path, errno: EFBIG) }
        }
        contents.append(0)
        return contents
    }
}
