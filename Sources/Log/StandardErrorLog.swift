@unsafe import Glibc

/// The one place the logger touches libc: the local time and standard error.
enum StandardErrorLog {
    /// The local time as `2026-11-29T01:02:03+0000`.
    static func timestamp() -> String {
        var now = time(nil)
        var local = unsafe tm()  // unsafe: `tm` holds a C pointer (tm_zone), set by localtime_r below
        var buffer = [CChar](repeating: 0, count: 64)
        // Sound: localtime_r and strftime write only into `local` and `buffer`, which outlive the calls; strftime
        // writes at most `buffer.count` bytes including the terminating NUL.
        guard unsafe localtime_r(&now, &local) != nil,
            unsafe strftime(&buffer, buffer.count, "%Y-%m-%dT%H:%M:%S%z", &local) > 0
        else { return "<unknown>" }
        return unsafe buffer.withUnsafeBufferPointer { unsafe String(cString: $0.baseAddress!) }
    }

    /// Writes `text` to file descriptor 2, one `write` per call while it takes the whole line, so that lines from
    /// different threads do not interleave.
    static func write(_ text: String) {
        var text = text
        text.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                // Sound: the range passed is inside `bytes`, which is valid for the closure's duration.
                let written = unsafe Glibc.write(STDERR_FILENO, bytes.baseAddress! + offset, bytes.count - offset)
                if written > 0 {
                    offset += written
                } else if written < 0 && errno == EINTR {
                    continue
                } else {
                    return  // standard error is gone: nothing useful to do with a log line
                }
            }
        }
    }
}
