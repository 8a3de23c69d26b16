import Glibc

/// Milliseconds since the Unix epoch (CLOCK_REALTIME), for recency bookkeeping.
public enum WallClockMilliseconds {
    public static func now() -> Int64 {
        var now = timespec()
        // Sound: `now` is a live local the call fills in; CLOCK_REALTIME cannot fail on Linux.
        _ = unsafe clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000
    }
}
