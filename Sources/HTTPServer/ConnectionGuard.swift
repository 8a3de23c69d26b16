import Glibc
import Synchronization
import System

/// The server's `ConnectionTable` behind a lock, and the sweep that ends connections past their deadlines.
///
/// libmicrohttpd's threads report each connection's events; a sweep on the timer thread, once a second while a
/// connection is open, shuts down the sockets whose wait on their client is over. Shutting a socket down (not
/// closing it) makes libmicrohttpd read the end of the stream and close the connection itself, freeing its slot.
/// The lock is held from finding a socket in the table to shutting it down, and libmicrohttpd reports a close
/// (`closed`, under the same lock) before it closes the socket, so a socket number shut down here is never one
/// the kernel has handed to a newer connection.
final class ConnectionGuard: Sendable {
    /// How often deadlines are checked while connections are open (a deadline may be passed by up to this much).
    static let sweepInterval: Duration = .seconds(1)

    private struct State {
        var table: ConnectionTable
        var sweepArmed = false
    }

    private let state: Mutex<State>
    private let timers: TimerQueue
    /// Connections shut down to make room for a new one.
    let shedCount = Atomic<Int>(0)
    /// Connections shut down because their client was too slow (head, body or keep-alive pause).
    let timedOutCount = Atomic<Int>(0)

    init(limits: ConnectionTable.Limits, timers: TimerQueue = .shared) {
        state = Mutex(State(table: ConnectionTable(limits: limits)))
        self.timers = timers
    }

    /// A connection was accepted: a waiting one is shed if the table is full.
    func opened(_ socket: Int32) {
        let armSweep = state.withLock { state in
            if let victim = state.table.opened(socket, at: .now) {
                Self.shutDown(victim)
                shedCount.add(1, ordering: .relaxed)
            }
            defer { state.sweepArmed = true }
            return !state.sweepArmed
        }
        if armSweep { scheduleSweep() }
    }

    /// A request head arrived; true when the connection may serve reserved paths only.
    func headReceived(_ socket: Int32) -> Bool {
        state.withLock { $0.table.headReceived(socket, at: .now) }
    }

    /// The request went to its handler.
    func handling(_ socket: Int32) {
        state.withLock { $0.table.handling(socket) }
    }

    /// The response was sent.
    func requestCompleted(_ socket: Int32) {
        state.withLock { $0.table.requestCompleted(socket, at: .now) }
    }

    /// libmicrohttpd is about to close the socket.
    func closed(_ socket: Int32) {
        state.withLock { $0.table.closed(socket) }
    }

    private func scheduleSweep() {
        _ = timers.schedule(after: Self.sweepInterval) { [self] in sweep() }
    }

    private func sweep() {
        let rearm = state.withLock { state in
            let expired = state.table.removeExpired(at: .now)
            for socket in expired { Self.shutDown(socket) }
            timedOutCount.add(expired.count, ordering: .relaxed)
            state.sweepArmed = !state.table.isEmpty
            return state.sweepArmed
        }
        if rearm { scheduleSweep() }
    }

    /// Ends both directions of `socket`; libmicrohttpd then closes it. Called with the lock held (see the type).
    private static func shutDown(_ socket: Int32) {
        _ = Glibc.shutdown(socket, Int32(SHUT_RDWR))
    }
}
