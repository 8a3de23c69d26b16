import Glibc
import System

/// TLS material read without Foundation.
enum PEMFile {
    /// The whole file at `path` plus a terminating NUL (PEM text for libmicrohttpd).
    static func read(_ path: String) throws(HTTPServerError) -> [CChar] {
        do throws(FileBytes.Failure) {
            return try FileBytes.read(path, limit: 1 << 20).map { CChar(bitPattern: $0) } + [0]
        } catch .system(let code) {
            throw .unreadableTLSFile(path: path, errno: code)
        } catch {
            throw .unreadableTLSFile(path: path, errno: EFBIG)
        }
    }
}
