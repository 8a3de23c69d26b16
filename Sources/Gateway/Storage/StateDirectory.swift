// The only Storage file that imports Glibc: creating the private state directory, its free space and the wall clock.
import Glibc

/// Creates `path` and any missing parents with mode 0700 (like `mkdir -p -m 0700`); an existing directory is kept
/// as it is.
public func createPrivateDirectory(atPath path: String) throws(EdgeStoreError) {
    guard !path.isEmpty else { throw EdgeStoreError.cannotCreateDirectory(path: path, errno: EINVAL) }
    var prefix = path.hasPrefix("/") ? "/" : ""
    for component in path.split(separator: "/", omittingEmptySubsequences: true) {
        prefix += component
        // Sound: `prefix` is bridged to a NUL-terminated C string that lives for the call.
        if unsafe mkdir(prefix, 0o700) != 0 && errno != EEXIST {
            throw EdgeStoreError.cannotCreateDirectory(path: prefix, errno: errno)
        }
        prefix += "/"
    }
    var status = stat()
    // Sound: `path` is bridged for the call and `status` is a live local the call fills in.
    guard unsafe stat(path, &status) == 0 else {
        throw EdgeStoreError.cannotCreateDirectory(path: path, errno: errno)
    }
    guard status.st_mode & S_IFMT == S_IFDIR else { throw EdgeStoreError.notADirectory(path: path) }
}

/// The names in directory `path` ending in `suffix`, sorted; empty when the directory does not exist.
func fileNames(inDirectory path: String, suffix: String) -> [String] {
    // Sound: `opendir` gets a C string bridged for the call; the stream is read with `readdir` until it returns
    // nil and closed once; each entry's name is copied out before the next `readdir`.
    guard let directory = unsafe opendir(path) else { return [] }
    defer { unsafe closedir(directory) }
    var names: [String] = []
    while let entry = unsafe readdir(directory) {
        let name = unsafe withUnsafeBytes(of: entry.pointee.d_name) { raw in
            unsafe String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
        if name.hasSuffix(suffix) && !name.hasPrefix(".") { names.append(name) }
    }
    return names.sorted()
}

/// Bytes available to unprivileged writers on the filesystem holding `path` (`statvfs`), or nil when it cannot be
/// read.
public func freeBytes(onFilesystemOf path: String) -> Int64? {
    var status = statvfs()
    // Sound: `path` is bridged to a NUL-terminated C string for the call; `status` is a live local it fills.
    guard unsafe statvfs(path, &status) == 0 else { return nil }
    let (bytes, overflow) = Int64(clamping: status.f_bavail).multipliedReportingOverflow(
        by: Int64(clamping: status.f_frsize))
    return overflow ? .max : bytes
}
