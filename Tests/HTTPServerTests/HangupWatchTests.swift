import Glibc
import Synchronization
import System
import Testing

@testable import HTTPServer

/// The hang-up watch over real connected sockets (a Unix socket pair): it reports a peer that closed, and nothing
/// else.
@Suite struct HangupWatchTests {
    /// A connected pair of stream sockets: `watched` is the server's end, `peer` the client's.
    final class SocketPair {
        let watched: Int32
        var peer: Int32

        init() throws {
            var fds: [Int32] = [-1, -1]
            // Sound: `fds` has the two elements socketpair writes.
            let result = unsafe socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &fds)
            try #require(result == 0)
            watched = fds[0]
            peer = fds[1]
        }

        func closePeer() {
            close(peer)
            peer = -1
        }

        deinit {
            close(watched)
            if peer >= 0 { close(peer) }
        }
    }

    /// Waits up to `timeout` for `condition`.
    func eventually(_ timeout: Duration = .seconds(2), _ condition: () -> Bool) async throws -> Bool {
        let end = ContinuousClock.now + timeout
        while !condition() && ContinuousClock.now < end { try await Task.sleep(for: .milliseconds(10)) }
        return condition()
    }

    @Test func aClosedPeerIsReportedOnceAndUnwatched() async throws {
        let watch = HangupWatch(interval: .milliseconds(20), queue: TimerQueue())
        let pair = try SocketPair()
        let calls = Atomic(0)
        watch.watch(ObjectIdentifier(pair), socket: pair.watched) { calls.add(1, ordering: .relaxed) }
        try await Task.sleep(for: .milliseconds(100))
        #expect(calls.load(ordering: .relaxed) == 0, "an open peer was reported")
        pair.closePeer()
        #expect(try await eventually { calls.load(ordering: .relaxed) == 1 })
        try await Task.sleep(for: .milliseconds(100))
        #expect(calls.load(ordering: .relaxed) == 1)
        #expect(watch.count == 0)
    }

    @Test func pendingBytesAreNotAHangUpAndStayUnread() async throws {
        let watch = HangupWatch(interval: .milliseconds(20), queue: TimerQueue())
        let pair = try SocketPair()
        let calls = Atomic(0)
        let pipelined: [UInt8] = Array("GET / HTTP/1.1\r\n".utf8)
        // Sound: `pipelined` is alive for the call.
        #expect(unsafe write(pair.peer, pipelined, pipelined.count) == pipelined.count)
        watch.watch(ObjectIdentifier(pair), socket: pair.watched) { calls.add(1, ordering: .relaxed) }
        try await Task.sleep(for: .milliseconds(150))
        #expect(calls.load(ordering: .relaxed) == 0)
        var received = [UInt8](repeating: 0, count: 64)
        // Sound: `received` has 64 writable bytes.
        let count = unsafe read(pair.watched, &received, received.count)
        #expect(Array(received.prefix(max(0, count))) == pipelined, "the watch consumed the client's bytes")
        watch.unwatch(ObjectIdentifier(pair))
    }

    @Test func anUnwatchedSocketIsNotReported() async throws {
        let watch = HangupWatch(interval: .milliseconds(20), queue: TimerQueue())
        let pair = try SocketPair()
        let calls = Atomic(0)
        watch.watch(ObjectIdentifier(pair), socket: pair.watched) { calls.add(1, ordering: .relaxed) }
        watch.unwatch(ObjectIdentifier(pair))
        pair.closePeer()
        try await Task.sleep(for: .milliseconds(150))
        #expect(calls.load(ordering: .relaxed) == 0)
        #expect(watch.count == 0)
    }

    @Test func closedSocketsPicksOnlyTheClosedOnes() throws {
        let open = try SocketPair()
        let closed = try SocketPair()
        closed.closePeer()
        #expect(HangupWatch.closedSockets([open.watched, closed.watched, open.watched]) == [1])
        #expect(HangupWatch.closedSockets([]) == [])
    }
}
