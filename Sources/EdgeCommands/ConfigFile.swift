public import Gateway
import Glibc

/// Reading the configuration file with stdio (no Foundation).
public enum ConfigFile {
    /// Largest configuration file accepted, in bytes.
    public static let maxBytes = 1 << 20

    /// The file's text; a missing, unreadable, oversized or non-UTF-8 file is a one-line `ConfigError`.
    public static func read(_ path: String) throws(ConfigError) -> String {
        guard let file = unsafe fopen(path, "rb") else {
            throw .unreadableFile(path: path, reason: "cannot open: \(systemError(errno))")
        }
        defer { unsafe _ = fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            // Sound: fread writes at most chunk.count bytes into the buffer it is given, which lives for the call.
            let count = unsafe chunk.withUnsafeMutableBytes { buffer in
                unsafe fread(buffer.baseAddress, 1, buffer.count, file)
            }
            bytes += chunk[0..<count]
            guard bytes.count <= maxBytes else {
                throw .unreadableFile(path: path, reason: "larger than \(maxBytes) bytes")
            }
            if count < chunk.count {
                guard unsafe ferror(file) == 0 else {
                    throw .unreadableFile(path: path, reason: "cannot read: \(systemError(errno))")
                }
                break
            }
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw .unreadableFile(path: path, reason: "not valid UTF-8")
        }
        return text
    }

    private static func systemError(_ code: Int32) -> String {
        // Sound: strerror returns a NUL-terminated static or thread-local string, copied at once.
        unsafe String(cString: strerror(code))
    }
}
