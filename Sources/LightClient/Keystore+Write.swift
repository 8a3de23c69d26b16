// The one LightClient file that writes files.
import Glibc

extension Keystore {
    /// Writes keystore text to a new file readable and writable by its owner only (mode 0600), flushed to disk.
    /// Never replaces an existing file or follows a symbolic link at `path`; a partly written file is removed.
    public static func write(_ text: String, toNewFileAt path: String) throws(KeystoreWriteError) {
        // Sound: Swift passes `path` as a NUL-terminated C string that lives for the call.
        let descriptor = unsafe open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode_t(0o600))
        guard descriptor >= 0 else { throw .system(operation: "open", errno: errno) }
        do throws(KeystoreWriteError) {
            try writeAll(Array(text.utf8), to: descriptor)
            guard fsync(descriptor) == 0 else { throw .system(operation: "fsync", errno: errno) }
            guard close(descriptor) == 0 else { throw .system(operation: "close", errno: errno) }
        } catch {
            _ = close(descriptor)
            _ = unsafe unlink(path)  // Sound: as for open.
            throw error
        }
    }

    private static func writeAll(_ bytes: [UInt8], to descriptor: Int32) throws(KeystoreWriteError) {
        var offset = 0
        while offset < bytes.count {
            // Sound: [offset, count) lies inside `bytes`, which is live for the call.
            let written = unsafe bytes.withUnsafeBytes {
                unsafe Glibc.write(descriptor, $0.baseAddress! + offset, bytes.count - offset)
            }
            if written < 0 {
                guard errno == EINTR else { throw .system(operation: "write", errno: errno) }
                continue
            }
            offset += written
        }
    }
}

/// Why a keystore file could not be written.
public enum KeystoreWriteError: Error, Equatable, Sendable {
    /// A system call failed with this errno (`EEXIST` from `open`: the file already exists).
    case system(operation: String, errno: Int32)
}
