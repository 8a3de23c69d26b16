import Glibc
import Synchronization

/// One-shot timers on one thread of their own, for deadlines that are almost always cancelled before they fire.
///
/// Arming and cancelling a timer is a lock and an insert or removal in a sorted array of the live timers; the
/// thread is woken only when a new timer fires before the one it sleeps for (rare: deadlines of one kind are set
/// in the order they fall due). A Dispatch timer source instead sent every resume and every cancel through
/// Dispatch's manager thread: two wake-ups of that thread per timer, four per proxied request.
public final class TimerQueue: Sendable {
    /// A scheduled timer, to cancel it.
    public struct Token: Sendable {
        fileprivate let key: Key
    }

    fileprivate struct Key: Comparable {
        let deadline: ContinuousClock.Instant
        let sequence: UInt64

        static func < (lhs: Key, rhs: Key) -> Bool {
            (lhs.deadline, lhs.sequence) < (rhs.deadline, rhs.sequence)
        }
    }

    private struct Entry {
        let key: Key
        let action: @Sendable () -> Void
    }

    private struct State {
        /// Live timers, earliest first.
        var entries: [Entry] = []
        var nextSequence: UInt64 = 0
        /// When the thread will look again, if it was started; nil while it runs timers.
        var wakesAt: ContinuousClock.Instant?
        var started = false

        /// Where `key` is, or belongs, in `entries`.
        func index(of key: Key) -> Int {
            var (low, high) = (0, entries.count)
            while low < high {
                let middle = (low + high) / 2
                if entries[middle].key < key { low = middle + 1 } else { high = middle }
            }
            return low
        }
    }

    /// The process's timer queue; its thread starts with the first timer.
    public static let shared = TimerQueue()

    private let state = Mutex(State())
    /// The thread sleeps in `poll` on the read end of this pipe; a byte written to the other end wakes it.
    private let wakeup: (read: Int32, write: Int32)

    /// A queue of its own (tests); the router uses `shared`.
    public init() {
        var ends: [Int32] = [-1, -1]
        guard unsafe pipe(&ends) == 0 else {
            preconditionFailure("the timer queue's pipe could not be created (errno \(errno))")
        }
        for end in ends {
            _ = fcntl(end, F_SETFD, FD_CLOEXEC)
            _ = fcntl(end, F_SETFL, O_NONBLOCK)
        }
        wakeup = (ends[0], ends[1])
    }

    /// Runs `action` once on the timer thread after `duration`, unless `cancel` comes first. The action must be short.
    public func schedule(after duration: Duration, _ action: @escaping @Sendable () -> Void) -> Token {
        let deadline = ContinuousClock.now.advanced(by: max(duration, .zero))
        let (key, wake, start) = state.withLock { state in
            let key = Key(deadline: deadline, sequence: state.nextSequence)
            state.nextSequence += 1
            let entry = Entry(key: key, action: action)
            if let last = state.entries.last, key < last.key {
                state.entries.insert(entry, at: state.index(of: key))
            } else {
                state.entries.append(entry)
            }
            let start = !state.started
            state.started = true
            guard !start, let wakesAt = state.wakesAt, deadline < wakesAt else { return (key, false, start) }
            state.wakesAt = deadline
            return (key, true, false)
        }
        if start { startThread() }
        if wake { wakeThread() }
        return Token(key: key)
    }

    /// Drops the timer; its action does not run unless it is already running. Idempotent.
    public func cancel(_ token: Token) {
        state.withLock { state in
            let index = state.index(of: token.key)
            if index < state.entries.count, state.entries[index].key == token.key {
                state.entries.remove(at: index)
            }
        }
    }

    /// Timers not yet fired nor cancelled (tests check that cancelled ones go away).
    public var count: Int { state.withLock { $0.entries.count } }

    private func startThread() {
        guard let thread = EventThread.spawn({ self.run() }) else {
            preconditionFailure("the timer thread could not start")
        }
        thread.detach()
    }

    /// The thread: fire what is due, then sleep until the earliest live timer or a wake-up.
    private func run() {
        while true {
            let now = ContinuousClock.now
            let (due, next) = state.withLock { state -> ([Entry], ContinuousClock.Instant?) in
                let end = state.entries.firstIndex { $0.key.deadline > now } ?? state.entries.count
                let due = Array(state.entries[..<end])
                state.entries.removeFirst(end)
                state.wakesAt = state.entries.first?.key.deadline ?? now.advanced(by: .seconds(3600))
                return (due, state.wakesAt)
            }
            for entry in due { entry.action() }
            sleep(until: next ?? now)
        }
    }

    private func sleep(until instant: ContinuousClock.Instant) {
        let left = ContinuousClock.now.duration(to: instant)
        guard left > .zero else { return }
        let (seconds, attoseconds) = left.components
        // Rounded up, so a timer never fires early.
        let milliseconds = min(seconds, 3600) * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        var descriptor = pollfd(fd: wakeup.read, events: Int16(POLLIN), revents: 0)
        guard unsafe poll(&descriptor, 1, Int32(milliseconds)) > 0 else { return }
        var drained = [UInt8](repeating: 0, count: 64)
        _ = unsafe drained.withUnsafeMutableBytes { unsafe read(wakeup.read, $0.baseAddress, $0.count) }
    }

    private func wakeThread() {
        var byte: UInt8 = 1
        // A full pipe (EAGAIN) already holds a wake-up.
        _ = unsafe write(wakeup.write, &byte, 1)
    }
}
