import Synchronization

/// What libmicrohttpd's callbacks share: settings, the handler, live requests and counters.
///
/// Retained by the daemon (its callback closure) from start until `MHD_stop_daemon` returns.
final class ServerCore: Sendable {
    let configuration: HTTPServerConfiguration
    let handler: @Sendable (Request) async -> Response
    /// Answers what it can on the daemon's thread without suspending; nil passes the request to `handler`.
    let inlineHandler: (@Sendable (Request) -> Response?)?
    /// Where a request's handler (and the producer of its stream) prefers to run; nil: the global executor.
    let executor: (@Sendable (Request) -> (any TaskExecutor)?)?
    /// Decides from a request's head whether its body is worth reading; nil admits every request.
    let admission: (@Sendable (Request) -> Admission)?
    /// Open connections, their deadlines and shedding.
    let connections: ConnectionGuard
    /// Memory for request bodies, shared by every connection.
    let bodyBudget: BodyBudget
    /// Set when shutdown starts: new requests get 503 and no connection is suspended for a handler.
    let draining = Atomic<Bool>(false)
    /// Connections libmicrohttpd holds open.
    let openConnections = Atomic<Int>(0)
    /// Streaming responses being sent.
    let activeStreams = Atomic<Int>(0)
    /// Sees clients hang up while their connection is suspended for a handler.
    let hangups = HangupWatch()
    private let requests = Mutex<[ObjectIdentifier: RequestContext]>([:])

    init(
        configuration: HTTPServerConfiguration, admission: (@Sendable (Request) -> Admission)? = nil,
        inlineHandler: (@Sendable (Request) -> Response?)? = nil,
        executor: (@Sendable (Request) -> (any TaskExecutor)?)? = nil,
        handler: @escaping @Sendable (Request) async -> Response
    ) {
        self.configuration = configuration
        self.admission = admission
        self.inlineHandler = inlineHandler
        self.executor = executor
        self.handler = handler
        connections = ConnectionGuard(limits: configuration.connectionLimits)
        bodyBudget = BodyBudget(limit: configuration.maxBufferedBodyBytes)
    }

    /// The admission check's decision for a request head (admit everyone without a check).
    func admit(_ head: Request) -> Admission {
        admission?(head) ?? .admit(caller: nil)
    }

    var isDraining: Bool { draining.load(ordering: .sequentiallyConsistent) }

    /// Requests between their first access-handler call and their completed callback.
    var inFlightCount: Int { requests.withLock { $0.count } }

    func register(_ context: RequestContext) {
        requests.withLock { $0[ObjectIdentifier(context)] = context }
    }

    func unregister(_ context: RequestContext) {
        _ = requests.withLock { $0.removeValue(forKey: ObjectIdentifier(context)) }
    }

    /// The inline handler's answer, unless there is none or shutdown has started (then the request goes the
    /// suspended path, which answers 503 while draining).
    func answerInline(_ request: Request) -> Response? {
        guard let inlineHandler, !isDraining else { return nil }
        return inlineHandler(request)
    }

    /// Runs the handler for a suspended request, with a timer that enforces the request deadline.
    func dispatch(_ request: Request, context: RequestContext) {
        let handler = handler
        let preferred = executor?(request)
        let handlerTask = Task(executorPreference: preferred) { [hangups] in
            let response = await handler(request)
            hangups.unwatch(ObjectIdentifier(context))
            context.handlerReturned(response)
        }
        // Cancelled when the request completes first.
        let deadline = RequestDeadline(after: configuration.requestDeadline) {
            context.interrupt(answering: ServerErrorResponse.deadlineExceeded())
        }
        context.attach(handler: handlerTask, deadline: deadline, executor: preferred)
    }

    /// Cancels the handler of `context` if its client hangs up while the connection is suspended (libmicrohttpd
    /// cannot see it then). Dispatch first, so the handler task is there to cancel.
    func watchForHangup(_ context: RequestContext) {
        hangups.watch(ObjectIdentifier(context), socket: context.socket) { context.clientHungUp() }
    }

    /// Starts the producer of a queued streaming response.
    func startProducer(
        _ producer: @escaping @Sendable (ResponseBodyWriter) async throws -> Void, writer: ResponseBodyWriter,
        context: RequestContext
    ) {
        activeStreams.add(1, ordering: .relaxed)
        let task = Task(executorPreference: context.preferredExecutor) {
            do {
                try await producer(writer)
                writer.finish()
            } catch {
                writer.fail()
            }
        }
        context.attach(producer: task)
    }

    /// libmicrohttpd completed a request.
    func completed(_ context: RequestContext) {
        unregister(context)
        hangups.unwatch(ObjectIdentifier(context))
        if context.complete() { activeStreams.subtract(1, ordering: .relaxed) }
    }

    /// Shutdown after grace: answer 503 to waiting handlers, abort streams, resume every suspended connection.
    func interruptAll() {
        let contexts = requests.withLock { Array($0.values) }
        for context in contexts {
            context.interrupt(answering: ServerErrorResponse.shuttingDown())
        }
    }
}
