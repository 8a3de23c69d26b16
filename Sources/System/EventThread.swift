import Glibc

/// A joinable POSIX thread running one closure (Foundation's `Thread` is not available here).
public struct EventThread: Sendable {
    private final class Entry: Sendable {
        let body: @Sendable () -> Void
        init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    }

    private let id: pthread_t

    /// Starts a thread running `body`; returns `nil` if the system refuses to create one.
    public static func spawn(_ body: @escaping @Sendable () -> Void) -> EventThread? {
        // The thread owns the entry: retained here, released by the thread once it starts.
        let entry = unsafe Unmanaged.passRetained(Entry(body)).toOpaque()
        var id = pthread_t()
        let result = unsafe pthread_create(
            &id, nil,
            { argument in
                // Sound: `argument` is the entry retained by `spawn`, handed to this thread exactly once.
                let entry = unsafe Unmanaged<Entry>.fromOpaque(argument!).takeRetainedValue()
                entry.body()
                return nil
            }, entry)
        guard result == 0 else {
            unsafe Unmanaged<Entry>.fromOpaque(entry).release()
            return nil
        }
        return EventThread(id: id)
    }

    /// Whether the caller runs on this thread (it must not join itself).
    public var isCurrent: Bool { pthread_equal(pthread_self(), id) != 0 }

    /// Waits for the thread to finish.
    public func join() {
        _ = pthread_join(id, nil)
    }

    /// Lets the thread finish on its own (used when the thread itself asks to stop).
    public func detach() {
        _ = pthread_detach(id)
    }
}
