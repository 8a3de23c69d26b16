import Glibc
import Synchronization
import System

/// Notices clients that hang up while their connection is suspended for a handler.
///
/// libmicrohttpd does not look at a suspended connection's socket, so a client that closed while its handler waited
/// (on a miner, for a whole non-stream answer) went unnoticed until the handler returned, and the miner request
/// carried on. This watch polls the sockets of those connections every `interval` — `poll(2)`, then `recv` with
/// `MSG_PEEK`, which leaves any bytes to libmicrohttpd — and calls `onHangup` once for each one whose peer closed
/// or reset (the server cancels the handler; its answer then fails to go out and libmicrohttpd completes the
/// request). It only reads socket state: libmicrohttpd keeps owning and closing the socket. A timer ticks only
/// while something is watched; watching and unwatching are a lock and a dictionary update each.
///
/// Limits: a half-close (`shutdown(SHUT_WR)`) counts as a hang-up, as it does for nginx; bytes waiting unread (a
/// pipelined request, a TLS alert) hide an end of stream behind them until the answer is sent.
final class HangupWatch: Sendable {
    private struct Entry {
        let socket: Int32
        /// This watch's number: a key (an object's address) may be reused by a newer watch while a tick polls.
        let sequence: UInt64
        let onHangup: @Sendable () -> Void
    }

    private struct State {
        var entries: [ObjectIdentifier: Entry] = [:]
        var nextSequence: UInt64 = 0
        var isTicking = false
    }

    private let state = Mutex(State())
    private let interval: Duration
    private let queue: TimerQueue

    /// A watch checking every `interval`.
    init(interval: Duration = .milliseconds(250), queue: TimerQueue = .shared) {
        self.interval = interval
        self.queue = queue
    }

    /// Watches `socket` for `key` until `unwatch(key)` or a hang-up, which calls `onHangup` once, on the timer
    /// thread (it must be short). The caller keeps the socket open until it unwatches.
    func watch(_ key: ObjectIdentifier, socket: Int32, onHangup: @escaping @Sendable () -> Void) {
        guard socket >= 0 else { return }
        state.withLock { state in
            state.nextSequence &+= 1
            state.entries[key] = Entry(socket: socket, sequence: state.nextSequence, onHangup: onHangup)
            startTicking(&state)
        }
    }

    /// Stops watching `key` (idempotent).
    func unwatch(_ key: ObjectIdentifier) {
        _ = state.withLock { $0.entries.removeValue(forKey: key) }
    }

    /// How many sockets are watched (tests).
    var count: Int { state.withLock { $0.entries.count } }

    private func startTicking(_ state: inout State) {
        guard !state.isTicking, !state.entries.isEmpty else { return }
        state.isTicking = true
        _ = queue.schedule(after: interval) { [self] in tick() }
    }

    /// Polls every watched socket once, without waiting, and reports those whose peer is gone.
    private func tick() {
        let watched = state.withLock { state in
            state.isTicking = false
            return state.entries.map { (key: $0.key, socket: $0.value.socket, sequence: $0.value.sequence) }
        }
        let closed = Self.closedSockets(watched.map(\.socket))
        let hungUp = state.withLock { state in
            // Unwatched meanwhile, or watched anew under a reused key: the socket polled may belong to another
            // connection by now; skip it.
            let callbacks = closed.compactMap { index -> (@Sendable () -> Void)? in
                let polled = watched[index]
                guard state.entries[polled.key]?.sequence == polled.sequence else { return nil }
                return state.entries.removeValue(forKey: polled.key)?.onHangup
            }
            startTicking(&state)
            return callbacks
        }
        for onHangup in hungUp { onHangup() }
    }

    /// The indices in `sockets` of those whose peer closed or reset the connection.
    static func closedSockets(_ sockets: [Int32]) -> [Int] {
        guard !sockets.isEmpty else { return [] }
        var polled = sockets.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
        // Sound: `polled` is a live array of `polled.count` elements for the duration of the call.
        guard unsafe poll(&polled, nfds_t(polled.count), 0) > 0 else { return [] }
        return polled.indices.filter { index in
            let revents = Int32(polled[index].revents)
            if revents & Int32(POLLERR | POLLHUP | POLLNVAL) != 0 { return true }
            guard revents & Int32(POLLIN) != 0 else { return false }
            return peerClosed(polled[index].fd)
        }
    }

    /// Whether a readable socket is at its end of stream (or reset), not holding bytes.
    private static func peerClosed(_ socket: Int32) -> Bool {
        var byte: UInt8 = 0
        // Sound: `byte` is one writable byte for the duration of the call.
        let received = unsafe recv(socket, &byte, 1, Int32(MSG_PEEK | MSG_DONTWAIT))
        if received == 0 { return true }
        if received > 0 { return false }
        return errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR
    }
}
