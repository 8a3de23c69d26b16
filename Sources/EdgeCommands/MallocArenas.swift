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
    /// Free memory at the top of the heap that glibc keeps rather than returning it with `brk` (its default is
    /// 128 KiB). A proxied request's allocations peak ~160 KiB above the heap's floor: at the default, every
    /// request or so shrank the heap and grew it again, and page-faulted the memory back in — ~10% of the event
    /// thread's time at 32 connections. Idle RSS is the same within noise (`footprint.sh`: 14.50 → 14.55 MB).
    public static let routerTrimThreshold: Int32 = 1 << 20

    /// The limit to set, or `nil` when the operator tunes glibc through its own variables (glibc applies those).
    static func limit(overridesPresent: Bool) -> Int32? {
        overridesPresent ? nil : routerLimit
    }

    /// Sets the limit (and the trim threshold) unless MALLOC_ARENA_MAX, MALLOC_TRIM_THRESHOLD_ or GLIBC_TUNABLES
    /// is set. Call first thing in `main`: glibc fixes its limit once threads have created a few arenas.
    public static func applyRouterLimit() {
        // Sound: getenv returns a pointer into the environment or nil; only nil-ness is read, at once.
        let names: [String] = ["MALLOC_ARENA_MAX", "MALLOC_TRIM_THRESHOLD_", "GLIBC_TUNABLES"]
        let overridden = names.contains { name in unsafe getenv(name) != nil }
        if let limit = limit(overridesPresent: overridden) {
            _ = cmalloc_set_arena_max(limit)
            _ = cmalloc_set_trim_threshold(routerTrimThreshold)
        }
    }
}
