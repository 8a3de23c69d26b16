import Synchronization

/// Per-request state shared by libmicrohttpd callbacks and the tasks working on the request.
///
/// libmicrohttpd keeps it (retained) in the request's `con_cls` slot from the first access-handler
/// call until the completed callback releases it.
final class RequestContext: Sendable {
    private struct State {
        var lifecycle = RequestLifecycle()
        var body: [UInt8] = []
        /// Bytes of `bodyBudget` this request holds (given back when it completes).
        var reservedBodyBytes = 0
        var caller: String?
        var admittedRoute: (any Sendable)?
        var requestID: String?
        var bodyTooLarge = false
        var bodyOverBudget = false
        var handlerTask: Task<Void, Never>?
        var producerTask: Task<Void, Never>?
        var deadline: RequestDeadline?
        var executor: (any TaskExecutor)?
    }

    /// Suspends / resumes this request's connection.
    let control: ConnectionControl
    /// The connection's socket, as the server's `ConnectionGuard` knows it.
    let socket: Int32
    /// The request as its head described it (no body yet).
    let head: Request
    private let maxBodyBytes: Int
    private let bodyBudget: BodyBudget
    private let state = Mutex(State())

    init(control: ConnectionControl, socket: Int32, head: Request, maxBodyBytes: Int, bodyBudget: BodyBudget) {
        self.control = control
        self.socket = socket
        self.head = head
        self.maxBodyBytes = maxBodyBytes
        self.bodyBudget = bodyBudget
    }

    /// Reserves the body Content-Length announced, before any of it is read; false when the server holds too many
    /// bodies already (the request is then refused).
    func reserveAnnouncedBody(_ bytes: Int) -> Bool {
        guard bytes > 0 else { return true }
        guard bodyBudget.reserve(bytes) else { return false }
        state.withLock { state in
            state.reservedBodyBytes = bytes
            state.body.reserveCapacity(bytes)
        }
        return true
    }

    /// Admission named the caller (and what it matched): they go with the request to its handler.
    func admit(caller: String?, route: (any Sendable)?) {
        state.withLock { state in
            state.caller = caller
            state.admittedRoute = route
        }
    }

    /// Appends an upload chunk; past `maxBodyBytes`, or past the server's body budget, the body is dropped and the
    /// rest ignored.
    func appendBody(_ chunk: UnsafeRawBufferPointer) {
        state.withLock { state in
            guard !state.bodyTooLarge, !state.bodyOverBudget else { return }
            let total = state.body.count + chunk.count
            if total > maxBodyBytes {
                state.bodyTooLarge = true
                state.body = []
                return
            }
            if total > state.reservedBodyBytes {
                guard bodyBudget.reserve(total - state.reservedBodyBytes) else {
                    state.bodyOverBudget = true
                    state.body = []
                    return
                }
                state.reservedBodyBytes = total
            }
            // Sound: libmicrohttpd keeps `chunk` valid for the duration of the access-handler call.
            unsafe state.body.append(contentsOf: chunk)
        }
    }

    /// Marks the body as too large without reading it (the Content-Length said so).
    func rejectBody() {
        state.withLock { $0.bodyTooLarge = true }
    }

    /// Why the body was refused while it arrived, if it was: too large, or over the server's budget.
    var refusedBody: Response? {
        state.withLock { state in
            if state.bodyTooLarge { return ServerErrorResponse.bodyTooLarge(limit: maxBodyBytes) }
            if state.bodyOverBudget { return ServerErrorResponse.busy() }
            return nil
        }
    }

    /// Whether the request has not yet been handed to the handler.
    var isReceiving: Bool {
        state.withLock { if case .receiving = $0.lifecycle.phase { true } else { false } }
    }

    /// The id of the request once it went to the handler (echoed as X-Request-Id).
    var requestID: String? { state.withLock { $0.requestID } }

    /// The complete request, body and caller included (the body is not kept here afterwards).
    func takeRequest() -> Request {
        let (body, caller, route) = state.withLock { state in
            defer { state.body = [] }
            return (state.body, state.caller, state.admittedRoute)
        }
        return head.completed(body: body, caller: caller, admittedRoute: route)
    }

    /// An inline handler answered on the daemon's thread; `takeReadyResponse` returns the answer.
    func answerInline(_ response: Response, requestID: String) {
        state.withLock { state in
            state.requestID = requestID
            state.lifecycle.answeredInline(response)
        }
    }

    /// Suspends the connection for the handler; false (no suspend) once draining.
    func suspendForHandler(requestID: String, unlessDraining core: ServerCore) -> Bool {
        state.withLock { state in
            guard !core.isDraining else { return false }
            state.requestID = requestID
            state.lifecycle.startHandling()
            control.suspend()
            return true
        }
    }

    /// Where the handler runs, and so the producer of a stream it answers with.
    var preferredExecutor: (any TaskExecutor)? { state.withLock { $0.executor } }

    /// Records the tasks working on the request; cancels them if the request is already over.
    func attach(
        handler: Task<Void, Never>? = nil, deadline: RequestDeadline? = nil, producer: Task<Void, Never>? = nil,
        executor: (any TaskExecutor)? = nil
    ) {
        let over = state.withLock { state in
            if let executor { state.executor = executor }
            // Only a running handler is worth holding: a finished task keeps its async frames until released.
            if let handler, case .handling = state.lifecycle.phase { state.handlerTask = handler }
            if let deadline { state.deadline = deadline }
            if let producer { state.producerTask = producer }
            if case .completed = state.lifecycle.phase { return true }
            return false
        }
        if over {
            handler?.cancel()
            deadline?.cancel()
            producer?.cancel()
        }
    }

    /// Whether the handler's task is still referenced (tests check that a returned handler is let go).
    var holdsHandlerTask: Bool { state.withLock { $0.handlerTask != nil } }

    /// The handler's answer; resumes the connection if it still waits for one.
    func handlerReturned(_ response: Response) {
        state.withLock { state in
            // The handler is done: drop its task, or its frames (~10 KB) stay allocated for as long as a stream
            // it answered with is open.
            state.handlerTask = nil
            if state.lifecycle.handlerReturned(response) { control.resume() }
        }
    }

    /// The client hung up while the handler ran (the server's `HangupWatch` saw it): cancel the handler, so its
    /// work (a miner request) stops; its answer then fails to go out and libmicrohttpd completes the request.
    func clientHungUp() {
        let handler = state.withLock { state -> Task<Void, Never>? in
            guard case .handling = state.lifecycle.phase else { return nil }
            return state.handlerTask
        }
        handler?.cancel()
    }

    /// Deadline or shutdown: answer `response` now if the handler has not, or cut the stream short.
    func interrupt(answering response: Response) {
        let tasks = state.withLock { state -> [Task<Void, Never>] in
            switch state.lifecycle.interrupt(answering: response) {
            case .none:
                return []
            case .resumeAndCancelHandler:
                control.resume()
                return [state.handlerTask].compactMap { $0 }
            case .abortStream(let writer):
                writer.abort()
                return [state.producerTask].compactMap { $0 }
            }
        }
        tasks.forEach { $0.cancel() }
    }

    /// After a resume: the response to queue now, if any, with a fresh writer when it streams.
    func takeReadyResponse(streamBufferBytes: Int) -> (response: Response, writer: ResponseBodyWriter?)? {
        state.withLock { state in
            state.lifecycle.takeReadyResponse {
                ResponseBodyWriter(capacity: streamBufferBytes, control: control)
            }
        }
    }

    /// libmicrohttpd completed the request: cancel every task and the deadline, tell the writer; true if it was
    /// streaming.
    func complete() -> Bool {
        let (writer, tasks, deadline) = state.withLock { state in
            let writer = state.lifecycle.complete()
            let tasks = [state.handlerTask, state.producerTask].compactMap { $0 }
            bodyBudget.release(state.reservedBodyBytes)
            state.reservedBodyBytes = 0
            return (writer, tasks, state.deadline)
        }
        writer?.clientDisconnected()
        tasks.forEach { $0.cancel() }
        deadline?.cancel()
        return writer != nil
    }
}
