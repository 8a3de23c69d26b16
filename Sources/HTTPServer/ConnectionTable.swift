/// The connections a server holds open and what each is doing, as a value: events in, decisions out.
///
/// libmicrohttpd closes a connection only after `idleTimeout` of silence, so a client that trickles its request head
/// or body a byte at a time, or opens many connections and sends nothing, holds its slots for as long as it likes;
/// at the connection limit everyone else is refused. The table gives each wait on a client a deadline of its own
/// (the head of a first request, a body, a keep-alive pause) and, when a new connection would pass the limit, names
/// the connection to shed: one waiting on its client, the one that has waited longest. A connection whose request
/// is being handled or streamed is never shed here; the request deadline bounds it.
///
/// Sockets are the keys: a socket number is unique while open, and the owner removes it (`closed`) before
/// libmicrohttpd closes it.
struct ConnectionTable {
    typealias Instant = ContinuousClock.Instant

    /// What a connection waits for.
    enum Phase: Equatable {
        /// The head of a request: the first one on the connection (`headTimeout`) or a later one (`idleTimeout`).
        case awaitingHead(firstRequest: Bool)
        /// The rest of a request body (`bodyTimeout`).
        case receivingBody
        /// Nothing from the client: a handler or a response is at work.
        case busy
    }

    /// The deadlines and the limit the table enforces.
    struct Limits: Sendable, Equatable {
        /// Longest wait for a connection's first request head, from accept.
        var headTimeout: Duration
        /// Longest wait for a request body, from its head.
        var bodyTimeout: Duration
        /// Longest pause between requests on a kept-alive connection (the head of the next one included); zero: no limit.
        var idleTimeout: Duration
        /// Connections served normally; those accepted beyond it (libmicrohttpd admits a few more) are held for the
        /// reserved paths unless a waiting connection can be shed in their place.
        var connectionLimit: Int
    }

    private struct Entry {
        var phase: Phase
        var since: Instant
        /// Accepted past `connectionLimit` with nothing to shed: serves reserved paths only.
        var reserved: Bool
    }

    let limits: Limits
    private var entries: [Int32: Entry] = [:]

    init(limits: Limits) {
        self.limits = limits
    }

    /// Open connections.
    var count: Int { entries.count }

    /// Whether the table holds nothing a sweep could time out.
    var isEmpty: Bool { entries.isEmpty }

    /// A connection was accepted; returns the socket to shed in its place when the table is over the limit
    /// (nil: there is room, or nothing waiting to shed, and then the new connection is reserved).
    mutating func opened(_ socket: Int32, at now: Instant) -> Int32? {
        var entry = Entry(phase: .awaitingHead(firstRequest: true), since: now, reserved: false)
        var victim: Int32?
        if entries.count >= limits.connectionLimit {
            victim = longestWaiting()
            if let victim {
                entries[victim] = nil
            } else {
                entry.reserved = true
            }
        }
        entries[socket] = entry
        return victim
    }

    /// A request head arrived; the body (if any) follows. Returns whether the connection serves reserved paths only.
    mutating func headReceived(_ socket: Int32, at now: Instant) -> Bool {
        guard var entry = entries[socket] else { return false }
        entry.phase = .receivingBody
        entry.since = now
        if entry.reserved && entries.count <= limits.connectionLimit { entry.reserved = false }
        entries[socket] = entry
        return entry.reserved
    }

    /// The request went to its handler: nothing is awaited from the client until it completes.
    mutating func handling(_ socket: Int32) {
        entries[socket]?.phase = .busy
    }

    /// The response was sent; a kept-alive connection now waits for its next request.
    mutating func requestCompleted(_ socket: Int32, at now: Instant) {
        guard entries[socket] != nil else { return }
        entries[socket]?.phase = .awaitingHead(firstRequest: false)
        entries[socket]?.since = now
    }

    /// libmicrohttpd is closing the connection.
    mutating func closed(_ socket: Int32) {
        entries[socket] = nil
    }

    /// Removes and returns every connection whose wait on its client passed its deadline at `now`.
    mutating func removeExpired(at now: Instant) -> [Int32] {
        let expired = entries.filter { _, entry in deadline(of: entry).map { $0 <= now } ?? false }.keys
        for socket in expired { entries[socket] = nil }
        return Array(expired)
    }

    /// The waiting connection that has waited longest (kept-alive pauses before slow heads and bodies of the same
    /// age: an idle client loses nothing but a reconnect).
    private func longestWaiting() -> Int32? {
        var best: (socket: Int32, since: Instant, idle: Bool)?
        for (socket, entry) in entries where entry.phase != .busy {
            let idle = entry.phase == .awaitingHead(firstRequest: false)
            if let current = best, (current.since, current.idle ? 0 : 1) <= (entry.since, idle ? 0 : 1) { continue }
            best = (socket, entry.since, idle)
        }
        return best?.socket
    }

    private func deadline(of entry: Entry) -> Instant? {
        switch entry.phase {
        case .awaitingHead(firstRequest: true): entry.since + limits.headTimeout
        case .awaitingHead(firstRequest: false): limits.idleTimeout == .zero ? nil : entry.since + limits.idleTimeout
        case .receivingBody: entry.since + limits.bodyTimeout
        case .busy: nil
        }
    }
}
