import Synchronization

/// Bytes of request bodies the server holds at once, across all connections.
///
/// The per-request limit alone let a thousand clients each send a body just under it (a gigabyte at 1 MB). A
/// request reserves its body's bytes as they arrive (or all at once when Content-Length announces them) and gives
/// them back when it completes, so the total held by bodies being received or handled stays under `limit`.
final class BodyBudget: Sendable {
    /// Most bytes reserved at once.
    let limit: Int
    private let reserved = Atomic<Int>(0)

    init(limit: Int) {
        self.limit = limit
    }

    /// Bytes reserved now.
    var inUse: Int { reserved.load(ordering: .relaxed) }

    /// Reserves `bytes` if that keeps the total within `limit`.
    func reserve(_ bytes: Int) -> Bool {
        guard bytes > 0 else { return true }
        var current = reserved.load(ordering: .relaxed)
        while true {
            guard bytes <= limit - current else { return false }
            let (exchanged, found) = reserved.compareExchange(
                expected: current, desired: current + bytes, ordering: .relaxed)
            if exchanged { return true }
            current = found
        }
    }

    /// Gives back `bytes` reserved earlier.
    func release(_ bytes: Int) {
        if bytes > 0 { reserved.subtract(bytes, ordering: .relaxed) }
    }
}
