import Dispatch
import Glibc
import Synchronization

/// Catches SIGTERM and SIGINT from the moment it is created (Dispatch signal sources, no thread of its own),
/// so a signal that arrives while the listeners start is not lost to the default disposition.
final class SignalWaiter: Sendable {
    private struct State {
        var received: Int32?
        var continuation: CheckedContinuation<Int32, Never>?
    }

    /// The Dispatch sources, kept alive until a signal arrives.
    // Sound (@unchecked Sendable): the array is written once in init; `cancel()` is thread-safe in Dispatch.
    private struct Sources: @unchecked Sendable {
        let all: [any DispatchSourceSignal]
    }

    private let state = Mutex(State())
    private let sources: Sources

    /// Starts catching `signals`.
    init(signals: [Int32] = [SIGTERM, SIGINT]) {
        // The default disposition would kill the process before Dispatch sees the signal.
        for number in signals { signal(number, SIG_IGN) }
        sources = Sources(all: signals.map { DispatchSource.makeSignalSource(signal: $0, queue: .global()) })
        for (number, source) in zip(signals, sources.all) {
            source.setEventHandler { [weak self] in self?.fire(number) }
            source.resume()
        }
    }

    /// Suspends until one of the signals arrived (or returns at once if one already did) and returns its number.
    func wait() async -> Int32 {
        await withCheckedContinuation { continuation in
            let received = state.withLock { state -> Int32? in
                if state.received == nil { state.continuation = continuation }
                return state.received
            }
            if let received { continuation.resume(returning: received) }
        }
    }

    private func fire(_ number: Int32) {
        let continuation = state.withLock { state -> CheckedContinuation<Int32, Never>? in
            guard state.received == nil else { return nil }
            state.received = number
            defer { state.continuation = nil }
            return state.continuation
        }
        for source in sources.all { source.cancel() }
        continuation?.resume(returning: number)
    }
}
