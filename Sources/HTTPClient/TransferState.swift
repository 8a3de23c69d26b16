/// The life of one transfer as seen by its awaiting caller and its body consumer, as a value whose mutating
/// methods return what to do. Generic over the waiter types so it is unit-tested without continuations.
/// Driven from two sides: the event thread (head, body bytes, completion) and the caller (wait, take, cancel).
struct TransferState<HeadWaiter, BodyWaiter> {
    /// Where the response head stands.
    enum Phase {
        /// Not handed to the event thread yet.
        case idle
        /// On the event thread; the caller waits for the head.
        case awaitingHead(HeadWaiter)
        /// The head went out; the body flows through `buffer`.
        case streaming
    }

    /// What the caller does after registering for the head.
    enum HeadWaitAction {
        /// Hand the transfer to the event thread.
        case start
        /// Resume the waiter now (the transfer was cancelled before it started).
        case resume(HeadWaiter, HTTPClientError)
    }

    /// What the event thread's write callback does with received body bytes.
    enum BodyAction {
        /// Bytes were buffered.
        case accepted
        /// Hand the bytes straight to the parked consumer.
        case deliver(BodyWaiter, [UInt8])
        /// The buffer is full: return CURL_WRITEFUNC_PAUSE, curl hands the same bytes again on unpause.
        case pause
        /// Nobody will read these bytes any more: fail the write so curl stops.
        case abort
    }

    /// What a consumer asking for the next chunk gets.
    enum ChunkAction {
        /// Bytes or the end (`nil`), or an error; `unpause` asks the event thread to resume the transfer.
        case ready(Result<[UInt8]?, HTTPClientError>, unpause: Bool)
        /// The consumer was parked and will be resumed by the event thread or a cancellation.
        case parked
    }

    /// Waiters to resume once the transfer ended; `abort` asks the event thread to drop the transfer.
    struct EndAction {
        var head: (HeadWaiter, Result<HTTPResponseHead, HTTPClientError>)?
        var body: (BodyWaiter, Result<[UInt8]?, HTTPClientError>)?
        var abort = false
    }

    /// Most bytes buffered before the transfer is paused (one more write of up to 16 KiB may land on top).
    let bufferLimit: Int
    private(set) var phase = Phase.idle
    /// Body bytes received but not yet taken by the consumer.  // (bufferedBytes)
    private var buffer: [UInt8] = []
    private var bodyWaiter: BodyWaiter?
    /// `nil` while the transfer runs; then success or the first failure.
    private(set) var outcome: Result<Void, HTTPClientError>?
    /// The event thread returned CURL_WRITEFUNC_PAUSE and waits for an unpause.
    private(set) var isPaused = false

    init(bufferLimit: Int) {
        self.bufferLimit = max(1, bufferLimit)
    }

    /// The caller starts waiting for the head.
    mutating func waitForHead(_ waiter: HeadWaiter) -> HeadWaitAction {
        if case .failure(let error) = outcome { return .resume(waiter, error) }
        guard case .idle = phase else { preconditionFailure("a transfer is started once") }
        phase = .awaitingHead(waiter)
        return .start
    }

    /// The event thread parsed the final header block; returns the waiter to resume with it.
    mutating func headReceived() -> HeadWaiter? {
        guard outcome == nil, case .awaitingHead(let waiter) = phase else { return nil }
        phase = .streaming
        return waiter
    }

    /// The event thread received body bytes.
    mutating func bodyReceived(_ bytes: [UInt8]) -> BodyAction {
        guard outcome == nil else { return .abort }
        if let waiter = bodyWaiter {
            bodyWaiter = nil
            return .deliver(waiter, bytes)
        }
        if buffer.count >= bufferLimit {
            isPaused = true
            return .pause
        }
        if buffer.isEmpty { buffer = bytes } else { buffer.append(contentsOf: bytes) }
        return .accepted
    }

    /// The consumer asks for the next chunk: all buffered bytes at once, else the end; `nil` means park.
    mutating func takeChunk() -> (result: Result<[UInt8]?, HTTPClientError>, unpause: Bool)? {
        if !buffer.isEmpty {
            let chunk = buffer
            buffer = []
            let unpause = isPaused
            isPaused = false
            return (.success(chunk), unpause)
        }
        switch outcome {
        case .success: return (.success(nil), false)
        case .failure(let error): return (.failure(error), false)
        case nil: return nil
        }
    }

    /// The consumer parks until bytes, the end or an error arrive (unless one already did).
    mutating func park(_ waiter: BodyWaiter) -> ChunkAction {
        if let ready = takeChunk() { return .ready(ready.result, unpause: ready.unpause) }
        precondition(bodyWaiter == nil, "HTTPBodyStream is consumed by one iterator at a time")
        bodyWaiter = waiter
        return .parked
    }

    /// The transfer completed normally; `head` stands in if no header block ended (e.g. HTTP/0.9).
    mutating func succeed(head: HTTPResponseHead) -> EndAction {
        guard outcome == nil else { return EndAction() }
        outcome = .success(())
        var action = EndAction()
        if case .awaitingHead(let waiter) = phase {
            phase = .streaming
            action.head = (waiter, .success(head))
        }
        if let waiter = bodyWaiter {
            bodyWaiter = nil
            action.body = (waiter, .success(nil))
        }
        return action
    }

    /// The transfer failed or was cancelled; cancelling also drops bytes the consumer has not taken.
    mutating func fail(_ error: HTTPClientError) -> EndAction {
        var action = EndAction()
        switch outcome {
        case .failure: return action
        case .success:
            // Finished on the wire but not yet drained: a cancel still ends the consumer's view.
            guard error == .cancelled else { return action }
        case nil:
            if case .idle = phase {} else { action.abort = true }
        }
        outcome = .failure(error)
        if error == .cancelled { buffer = [] }
        if case .awaitingHead(let waiter) = phase {
            phase = .streaming
            action.head = (waiter, .failure(error))
        }
        if let waiter = bodyWaiter {
            bodyWaiter = nil
            action.body = (waiter, .failure(error))
        }
        return action
    }
}
