import Synchronization

/// The events of one miner reply, read once by one consumer; ends with an `UpstreamError` on a mid-stream
/// failure or deadline.
///
/// A small bounded channel of our own rather than `AsyncThrowingStream`: that type runs unspecialized generic
/// code, whose metadata lookups and allocations cost ~10% of the router's instructions per proxied request.
/// Semantics kept: at most `limit` events wait (later ones are dropped and the producer told so); cancelling the
/// consuming task, or dropping the stream and its iterators before the end, cancels the channel once.
public struct UpstreamEventStream: AsyncSequence, Sendable {
    /// One event of the reply.
    public typealias Element = UpstreamEvent

    /// Cancels the channel once the last stream or iterator holding it goes away.
    final class Owner: Sendable {
        let channel: UpstreamEventChannel
        init(_ channel: UpstreamEventChannel) { self.channel = channel }
        deinit { channel.cancel() }
    }

    let owner: Owner

    init(_ channel: UpstreamEventChannel) {
        owner = Owner(channel)
    }

    /// Creates the iterator.
    public func makeAsyncIterator() -> Iterator {
        Iterator(owner: owner)
    }

    /// Takes events in order, suspending while none is waiting.
    public struct Iterator: AsyncIteratorProtocol {
        let owner: Owner

        /// The next event, `nil` at the end (or after a cancellation); throws the reply's failure once.
        public mutating func next() async throws -> UpstreamEvent? {
            try await owner.channel.next()
        }
    }
}

extension UpstreamEventStream {
    /// A finished stream of `events`: a recorded reply played back.
    package static func replaying(_ events: [UpstreamEvent]) -> UpstreamEventStream {
        let channel = UpstreamEventChannel(limit: events.count + 1)
        for event in events { _ = channel.yield(event) }
        channel.finish()
        return UpstreamEventStream(channel)
    }
}

/// The producer's side of an `UpstreamEventStream`: a lock-protected buffer and at most one parked consumer.
final class UpstreamEventChannel: Sendable {
    /// What `yield` did with an event.
    enum YieldResult {
        /// Buffered or handed to the waiting consumer.
        case enqueued
        /// The buffer is full: the consumer stopped taking events.
        case dropped
        /// The stream already ended.
        case terminated
    }

    private typealias Waiter = CheckedContinuation<UpstreamEvent?, any Error>

    private struct State {
        /// Events not taken yet, from `head` on.  // (waiting events)
        var buffer: [UpstreamEvent] = []
        var head = 0
        /// How the stream ends once the buffer is drained; `nil` while it runs.
        var end: Result<Void, any Error>?
        var waiter: Waiter?
        /// Called once if the consumer goes away before the end.
        var onCancel: (@Sendable () -> Void)?

        var count: Int { buffer.count - head }

        /// The next event, or the end (its error once, then `nil`), or `nil` when nothing is ready.
        mutating func takeReady() -> Result<UpstreamEvent?, any Error>? {
            if head < buffer.count {
                let event = buffer[head]
                head += 1
                if head == buffer.count {
                    buffer.removeAll(keepingCapacity: true)
                    head = 0
                }
                return .success(event)
            }
            guard let end else { return nil }
            self.end = .success(())
            return end.map { nil }
        }
    }

    private let limit: Int
    private let state = Mutex(State())

    /// A channel holding at most `limit` waiting events.
    init(limit: Int) {
        self.limit = max(1, limit)
    }

    /// Sets what runs if the consumer goes away before the end (cleared once the stream ends).
    func setOnCancel(_ body: @escaping @Sendable () -> Void) {
        state.withLock { $0.onCancel = body }
    }

    /// Hands `event` to the parked consumer or buffers it.
    func yield(_ event: UpstreamEvent) -> YieldResult {
        let (result, waiter) = state.withLock { state -> (YieldResult, Waiter?) in
            guard state.end == nil else { return (.terminated, nil) }
            if let waiter = state.waiter {
                state.waiter = nil
                return (.enqueued, waiter)
            }
            guard state.count < limit else { return (.dropped, nil) }
            state.buffer.append(event)
            return (.enqueued, nil)
        }
        waiter?.resume(returning: event)
        return result
    }

    /// Ends the stream after the buffered events, with `error` if given. Later calls do nothing.
    func finish(throwing error: (any Error)? = nil) {
        let waiter = state.withLock { state -> Waiter? in
            guard state.end == nil else { return nil }
            state.end = error.map { .failure($0) } ?? .success(())
            state.onCancel = nil
            guard let waiter = state.waiter else { return nil }
            state.waiter = nil
            _ = state.takeReady()  // The buffer is empty while a consumer waits: this consumes the end.
            return waiter
        }
        guard let waiter else { return }
        if let error { waiter.resume(throwing: error) } else { waiter.resume(returning: nil) }
    }

    /// The consumer went away: drop what is buffered, end the stream, and run `onCancel` if it had not ended.
    func cancel() {
        let (waiter, onCancel) = state.withLock { state -> (Waiter?, (@Sendable () -> Void)?) in
            state.buffer = []
            state.head = 0
            let onCancel = state.onCancel
            state.onCancel = nil
            state.end = .success(())
            let waiter = state.waiter
            state.waiter = nil
            return (waiter, onCancel)
        }
        waiter?.resume(returning: nil)
        onCancel?()
    }

    /// The consumer's next event; parks until one arrives, the stream ends or the consuming task is cancelled.
    func next() async throws -> UpstreamEvent? {
        if let ready = state.withLock({ $0.takeReady() }) { return try ready.get() }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (waiter: Waiter) in
                let ready = state.withLock { state -> Result<UpstreamEvent?, any Error>? in
                    if let ready = state.takeReady() { return ready }
                    state.waiter = waiter
                    return nil
                }
                if let ready { waiter.resume(with: ready) }
            }
        } onCancel: {
            cancel()
        }
    }
}
