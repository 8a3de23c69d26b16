import Glibc

/// The system's wall clock (CLOCK_REALTIME): timestamps people and other machines read, never durations.
public enum WallClock {
    /// Seconds since the Unix epoch.
    public static func unixSeconds() -> Int64 {
        Int64(now().tv_sec)
    }

    /// Milliseconds since the Unix epoch, for recency bookkeeping.
    public static func unixMilliseconds() -> Int64 {
        let time = now()
        return Int64(time.tv_sec) * 1000 + Int64(time.tv_nsec) / 1_000_000
    }

    private static func now() -> timespec {
        var now = timespec()
        // Sound: `now` is a live local the call fills in; CLOCK_REALTIME cannot fail on Linux.
        _ = unsafe clock_gettime(CLOCK_REALTIME, &now)
        return now
    }
}
