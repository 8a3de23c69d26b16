// @preconcurrency: Glibc declares `environ` as a mutable C global; see the soundness note below.
@preconcurrency @unsafe import Glibc

/// The process environment without Foundation.
public enum ProcessEnvironment {
    /// Every `NAME=value` entry of `environ` (the first occurrence wins for a repeated name).
    /// Call it before starting threads that might call `setenv`.
    public static func current() -> [String: String] {
        var result: [String: String] = [:]
        // Sound: environ is a NULL-terminated array of NUL-terminated strings owned by libc; this program never
        // mutates the environment, and each entry is copied into a Swift String before moving on.
        let start: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = unsafe environ
        guard var entry = unsafe start else { return result }
        while let pointer = unsafe entry.pointee {
            let text = unsafe String(cString: pointer)
            if let equals = text.firstIndex(of: "=") {
                let name = String(text[..<equals])
                if result[name] == nil { result[name] = String(text[text.index(after: equals)...]) }
            }
            unsafe entry += 1
        }
        return result
    }
}
