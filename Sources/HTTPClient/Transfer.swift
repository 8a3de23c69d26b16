import Synchronization

/// One request on its way through the event thread, shared by the awaiting caller, the body consumer and the
/// thread. The state machine lives behind a mutex; continuations are resumed after the lock is released.
final class Transfer: Sendable {
    typealias HeadContinuation = CheckedContinuation<Result<HTTPResponseHead, HTTPClientError>, Never>
    typealias BodyContinuation = CheckedContinuation<Result<[UInt8]?, HTTPClientError>, Never>

    /// What the event thread's write callback answers libcurl.
    enum BodyDisposition {
        /// The bytes were taken.
        case accepted
        /// Return CURL_WRITEFUNC_PAUSE; curl delivers the same bytes after an unpause.
        case pause
        /// Fail the write; nobody reads this transfer any more.
        case abort
    }

    /// The request as the caller gave it.
    let request: HTTPClientRequest
    private let loop: CurlEventLoop
    private let state: Mutex<TransferState<HeadContinuation, BodyContinuation>>

    init(request: HTTPClientRequest, bufferLimit: Int, loop: CurlEventLoop) {
        self.request = request
        self.loop = loop
        self.state = Mutex(TransferState(bufferLimit: bufferLimit))
    }

    // MARK: Caller side (any task)

    /// Hands the transfer to the event thread and waits for the response head.
    func responseHead() async -> Result<HTTPResponseHead, HTTPClientError> {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: HeadContinuation) in
                switch state.withLock({ $0.waitForHead(continuation) }) {
                case .start:
                    if !loop.submit(.start(self)) { fail(.shutdown) }
                case .resume(let waiter, let error):
                    waiter.resume(returning: .failure(error))
                }
            }
        } onCancel: {
            fail(.cancelled)
        }
    }

    /// The next body chunk (everything buffered so far), `nil` at the end.
    func nextChunk() async -> Result<[UInt8]?, HTTPClientError> {
        if Task.isCancelled { fail(.cancelled) }
        if let ready = state.withLock({ $0.takeChunk() }) {
            if ready.unpause { loop.submit(.unpause(self)) }
            return ready.result
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: BodyContinuation) in
                switch state.withLock({ $0.park(continuation) }) {
                case .parked:
                    break
                case .ready(let result, let unpause):
                    if unpause { loop.submit(.unpause(self)) }
                    continuation.resume(returning: result)
                }
            }
        } onCancel: {
            fail(.cancelled)
        }
    }

    /// Ends the transfer from the caller's side (cancellation, dropped body, shutdown) and tells the thread.
    func fail(_ error: HTTPClientError) {
        let action = state.withLock { $0.fail(error) }
        perform(action)
        if action.abort { loop.submit(.abort(self)) }
    }

    // MARK: Event thread side

    /// Whether the transfer still wants to run (not cancelled before the thread picked it up).
    var isPending: Bool { state.withLock { $0.outcome == nil } }

    /// The final header block arrived.
    func receiveHead(_ head: HTTPResponseHead) {
        state.withLock { $0.headReceived() }?.resume(returning: .success(head))
    }

    /// Body bytes arrived: buffered, handed to the parked consumer, or refused with a pause.
    func receiveBody(_ bytes: [UInt8]) -> BodyDisposition {
        guard !bytes.isEmpty else { return .accepted }
        switch state.withLock({ $0.bodyReceived(bytes) }) {
        case .accepted:
            return .accepted
        case .deliver(let waiter, let chunk):
            waiter.resume(returning: .success(chunk))
            return .accepted
        case .pause:
            return .pause
        case .abort:
            return .abort
        }
    }

    /// libcurl finished the transfer (or the thread gave up on it); `head` stands in if none was parsed.
    func finish(_ result: Result<Void, HTTPClientError>, head: HTTPResponseHead) {
        switch result {
        case .success: perform(state.withLock { $0.succeed(head: head) })
        case .failure(let error): perform(state.withLock { $0.fail(error) })
        }
    }

    private func perform(_ action: TransferState<HeadContinuation, BodyContinuation>.EndAction) {
        if let (waiter, result) = action.head { waiter.resume(returning: result) }
        if let (waiter, result) = action.body { waiter.resume(returning: result) }
    }
}
