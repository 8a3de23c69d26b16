import Dispatch
import Glibc
import Synchronization

/// Waits for SIGTERM or SIGINT without a thread of its own (Dispatch signal sources on the default queue).
enum SignalWaiter {
    /// Suspends until one of `signals` arrives and returns its number.
    static func wait(for signals: [Int32] = [SIGTERM, SIGINT]) async -> Int32 {
        await withCheckedContinuation { continuation in
            let fired = SignalLatch(continuation: continuation)
            for number in signals {
                // The default disposition would kill the process before Dispatch sees the signal.
                signal(number, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
                source.setEventHandler { fired.fire(number) }
                source.resume()
                fired.retain(source)
            }
        }
    }
}

/// Resumes the waiting continuation once, keeping the signal sources alive until then.
private final class SignalLatch: Sendable {
    private let state: Mutex<(continuation: CheckedContinuation<Int32, Never>?, sources: [any DispatchSourceSignal])>

    init(continuation: CheckedContinuation<Int32, Never>) {
        state = Mutex((continuation, []))
    }

    func retain(_ source: any DispatchSourceSignal) {
        state.withLock { $0.sources.append(source) }
    }

    func fire(_ number: Int32) {
        let continuation = state.withLock { state -> CheckedContinuation<Int32, Never>? in
            defer { state.continuation = nil }
            for source in state.sources { source.cancel() }
            state.sources = []
            return state.continuation
        }
        continuation?.resume(returning: number)
    }
}
