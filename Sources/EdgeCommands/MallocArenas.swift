// The only file that imports CMalloc.
import CMalloc
import Glibc

/// How many glibc malloc arenas the process may use.
///
/// glibc gives threads their own arenas (up to 8 per core); memory freed in one arena is not reused by threads
/// allocating from another, so a router whose requests hop between the cooperative pool, libmicrohttpd's thread and
/// libcurl's thread keeps every arena's high-water mark. One arena held 1,000 open streams in ~6 MB less.
public enum MallocArenas {
    /// The router's arena limit.
    public static let routerLimit: Int32 = 1

    /// The limit to set, or `nil` when the operator tunes glibc through its own variables (glibc applies those).
    static func limit(overridesPresent: Bool) -> Int32? {
        overridesPresent ? nil : routerLimit
    }

    /// Sets the limit unless MALLOC_ARENA_MAX or GLIBC_TUNABLES is set. Call first thing in `main`: glibc fixes
    /// its limit once threads have created a few arenas.
    public static func applyRouterLimit() {
        // Sound: getenv returns a pointer into the environment or nil; only nil-ness is read, at once.
        let names: [String] = ["MALLOC_ARENA_MAX", "GLIBC_TUNABLES"]
        let overridden = names.contains { name in unsafe getenv(name) != nil }
        if let limit = limit(overridesPresent: overridden) { _ = cmalloc_set_arena_max(limit) }
    }
}
