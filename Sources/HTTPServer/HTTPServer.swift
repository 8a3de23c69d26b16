import CMicroHTTPD
import Glibc
import Synchronization

/// An HTTP/1.1 (and HTTPS) server on libmicrohttpd: one epoll thread (or a small pool), handlers in tasks.
///
/// Callbacks never block: a request's body is collected, its connection suspended, the handler run
/// in a `Task`, and the connection resumed with the answer. An optional inline handler may answer first, on
/// the daemon's thread and without the suspend and the thread hops, what needs no waiting (a local read). A
/// handler task may prefer a task executor chosen per request (e.g. the event thread of the client it waits on).
/// Streaming bodies are pulled from a bounded buffer by a content reader that parks the connection while the
/// buffer is empty.
public final class HTTPServer: Sendable {
    private enum Lifecycle: Sendable {
        case idle
        case running(Daemon)
        case stopping(Task<Void, Never>)
        case stopped
    }

    let core: ServerCore
    private let lifecycle = Mutex(Lifecycle.idle)
    private let boundPort = Atomic<Int>(0)

    /// A server that answers every request with `handler`; call `start()` to listen.
    ///
    /// `admission`, when given, sees each request's head (no body yet) on libmicrohttpd's thread and must return at
    /// once: a request it rejects is answered without its body being read, and its connection closed.
    /// `inlineHandler`, when given, sees each request first, on libmicrohttpd's thread: it must return at once
    /// (no network, no waiting on a lock held for long, no deadline applies) with an answer, or nil to pass the
    /// request on to `handler`. `executor`, when given, names for each request passed on the task executor its
    /// handler (and its stream's producer) prefer, e.g. the event thread of the client it waits on; nil there, or
    /// no `executor`, runs it on the global executor.
    public init(
        configuration: HTTPServerConfiguration, admission: (@Sendable (Request) -> Admission)? = nil,
        inlineHandler: (@Sendable (Request) -> Response?)? = nil,
        executor: (@Sendable (Request) -> (any TaskExecutor)?)? = nil,
        handler: @escaping @Sendable (Request) async -> Response
    ) {
        core = ServerCore(
            configuration: configuration, admission: admission, inlineHandler: inlineHandler, executor: executor,
            handler: handler)
    }

    deinit {
        // The daemon retains the core, not this object: a dropped running server stops without grace.
        if case .running(let daemon) = lifecycle.withLock({ $0 }) {
            core.draining.store(true, ordering: .sequentiallyConsistent)
            core.interruptAll()
            daemon.stop(listenSocket: -1)
        }
    }

    /// Binds and starts serving; afterwards `port` is the bound port.
    public func start() throws(HTTPServerError) {
        try lifecycle.withLock { (state) throws(HTTPServerError) in
            guard case .idle = state else { throw .alreadyStarted }
            let daemon = try Daemon.start(core: core)
            boundPort.store(daemon.port, ordering: .releasing)
            state = .running(daemon)
        }
    }

    /// The bound TCP port (0 before `start()`).
    public var port: Int { boundPort.load(ordering: .acquiring) }

    /// Connections currently open (accepted and not yet closed).
    public var openConnections: Int { core.openConnections.load(ordering: .relaxed) }

    /// Streaming responses currently being sent.
    public var activeStreams: Int { core.activeStreams.load(ordering: .relaxed) }

    /// Connections shut down so far to make room for new ones (waiting on their client when the slots ran out).
    public var shedConnections: Int { core.connections.shedCount.load(ordering: .relaxed) }

    /// Connections shut down so far because their client was too slow with a head, a body or its next request.
    public var timedOutConnections: Int { core.connections.timedOutCount.load(ordering: .relaxed) }

    /// Bytes of request bodies held right now.
    public var bufferedBodyBytes: Int { core.bodyBudget.inUse }

    /// Stops accepting, lets in-flight requests finish for up to `grace`, then cancels the rest and stops.
    /// Idempotent: later and concurrent calls wait for the first one.
    public func shutdown(grace: Duration) async {
        let core = core
        let task = lifecycle.withLock { state -> Task<Void, Never>? in
            switch state {
            case .idle, .stopped:
                state = .stopped
                return nil
            case .stopping(let task):
                return task
            case .running(let daemon):
                let task = Task { await Self.drainAndStop(daemon, core: core, grace: grace) }
                state = .stopping(task)
                return task
            }
        }
        guard let task else { return }
        await task.value
        lifecycle.withLock { $0 = .stopped }
    }

    private static func drainAndStop(_ daemon: Daemon, core: ServerCore, grace: Duration) async {
        core.draining.store(true, ordering: .sequentiallyConsistent)
        let listenSocket = daemon.quiesce()
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: grace)
        while core.inFlightCount > 0 && clock.now < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
        core.interruptAll()
        daemon.stop(listenSocket: listenSocket)
    }
}

/// A running libmicrohttpd daemon and the core retained for its callbacks.
// Sound (@unchecked Sendable): `handle` is used only by quiesce and stop, once each, on the shutdown path.
@safe private struct Daemon: @unchecked Sendable {
    let handle: OpaquePointer
    let core: Unmanaged<ServerCore>
    let port: Int

    static func start(core: ServerCore) throws(HTTPServerError) -> Daemon {
        let config = core.configuration
        try config.validate()
        let address = try ListenAddress(host: config.host, port: config.port)
        // poll(2), not epoll: libmicrohttpd 0.9.75 registers sockets edge-triggered, and a client's close that
        // arrives with the last bytes of a partial request head raised no further edge, so the connection sat in
        // CLOSE-WAIT holding its slot until the idle timeout (2,000 such clients took every slot for a minute).
        var flags =
            MHD_USE_INTERNAL_POLLING_THREAD.rawValue | MHD_USE_POLL.rawValue | MHD_ALLOW_SUSPEND_RESUME.rawValue
            | MHD_USE_ITC.rawValue
        if address.isIPv6 { flags |= MHD_USE_IPv6.rawValue }
        var key: [CChar] = []
        var certificate: [CChar] = []
        if let certificatePath = config.tlsCertificatePath, let keyPath = config.tlsKeyPath {
            key = try PEMFile.read(keyPath)
            certificate = try PEMFile.read(certificatePath)
            flags |= MHD_USE_TLS.rawValue
        }
        let retained = unsafe Unmanaged.passRetained(core)
        let cls = unsafe retained.toOpaque()
        errno = 0
        // Sound: every pointer in `options` (address, PEM text) outlives MHD_start_daemon, the only reader.
        let handle = unsafe address.withSockaddr { sockaddr in
            unsafe key.withUnsafeBufferPointer { key in
                unsafe certificate.withUnsafeBufferPointer { certificate in
                    var options = unsafe [
                        cmhd_option_pointer(.SOCK_ADDR, sockaddr),
                        cmhd_option_integer(.CONNECTION_LIMIT, config.connectionLimit + config.reservedConnections),
                        cmhd_option_integer(.PER_IP_CONNECTION_LIMIT, config.perIPConnectionLimit),
                        cmhd_option_integer(.CONNECTION_TIMEOUT, Int(config.idleTimeoutSeconds)),
                        cmhd_option_integer(.CONNECTION_MEMORY_LIMIT, config.maxHeaderBytes),
                        cmhd_option_notify_completed(
                            { cls, connection, slot, _ in unsafe requestCompleted(cls, connection, slot) }, cls),
                        cmhd_option_notify_connection(
                            { cls, connection, _, code in unsafe connectionNotified(cls, connection, code) }, cls),
                    ]
                    if config.workerThreads > 1 {
                        unsafe options.append(cmhd_option_integer(.THREAD_POOL_SIZE, config.workerThreads))
                    }
                    if !key.isEmpty {
                        unsafe options.append(cmhd_option_pointer(.HTTPS_MEM_KEY, key.baseAddress))
                        unsafe options.append(cmhd_option_pointer(.HTTPS_MEM_CERT, certificate.baseAddress))
                    }
                    unsafe options.append(cmhd_option_end())
                    return unsafe cmhd_start_daemon(
                        flags, 0,
                        { cls, connection, url, method, _, data, size, slot in
                            unsafe accessHandler(cls, connection, url, method, data, size, slot)
                        }, cls, &options)
                }
            }
        }
        guard let started = unsafe handle else {
            let failure = errno
            unsafe retained.release()
            throw .startFailed(host: config.host, port: config.port, errno: failure)
        }
        return unsafe Daemon(handle: started, core: retained, port: Int(cmhd_daemon_bind_port(started)))
    }

    /// Stops accepting; returns the listen socket (closed only after stop) or -1.
    func quiesce() -> Int32 {
        let socket = unsafe MHD_quiesce_daemon(handle)
        // No new connection may wait in the backlog: shutting the listener down makes connects fail at once.
        if socket >= 0 { _ = Glibc.shutdown(socket, Int32(SHUT_RDWR)) }
        return socket
    }

    /// Stops the daemon (every connection must be resumed by now), then releases the core.
    func stop(listenSocket: Int32) {
        unsafe MHD_stop_daemon(handle)
        if listenSocket >= 0 { close(listenSocket) }
        unsafe core.release()
    }
}

// MARK: - Callbacks (libmicrohttpd threads; they never block or await)
//
// Sound (every `unsafe` below): libmicrohttpd keeps each pointer argument valid for the duration of the
// callback and we keep none past it; `cls` is the ServerCore retained in `Daemon.start` until after
// MHD_stop_daemon; `*con_cls` is a RequestContext retained on the first access-handler call and released
// in `requestCompleted`; a content reader's `cls` is the writer retained in `queue` and released by the
// response's free callback. Suspend/resume go through the request's lock-guarded state (see RequestContext).

/// The object behind a `void *` handed to libmicrohttpd (retained elsewhere; borrowed here).
private func object<T: AnyObject>(_ pointer: UnsafeMutableRawPointer, as type: T.Type) -> T {
    unsafe Unmanaged<T>.fromOpaque(pointer).takeUnretainedValue()
}

private func accessHandler(
    _ cls: UnsafeMutableRawPointer?, _ connection: OpaquePointer?, _ url: UnsafePointer<CChar>?,
    _ method: UnsafePointer<CChar>?, _ data: UnsafePointer<CChar>?, _ size: UnsafeMutablePointer<Int>?,
    _ slot: UnsafeMutablePointer<UnsafeMutableRawPointer?>?
) -> MHD_Result {
    guard let cls = unsafe cls, let connection = unsafe connection, let size = unsafe size, let slot = unsafe slot
    else { return .NO }
    let core = unsafe object(cls, as: ServerCore.self)
    guard let existing = unsafe slot.pointee else {
        return unsafe receiveHead(connection, url, method, slot, core)
    }
    let context = unsafe object(existing, as: RequestContext.self)
    if unsafe size.pointee > 0 {
        unsafe context.appendBody(UnsafeRawBufferPointer(start: data, count: size.pointee))
        unsafe size.pointee = 0
        return .YES
    }
    if let queued = unsafe queueReadyResponse(on: connection, context, core) { return queued }
    guard context.isReceiving else { return .NO }  // called back without an answer: protocol violation
    if let refused = context.refusedBody { return unsafe queue(refused, on: connection, context, core) }
    return unsafe handOver(connection, context, core)
}

/// First call: the head is in. Whatever can be refused from it is answered now, before a byte of the body is read
/// (its connection then closes); otherwise the body is collected on the calls that follow.
private func receiveHead(
    _ connection: OpaquePointer, _ url: UnsafePointer<CChar>?, _ method: UnsafePointer<CChar>?,
    _ slot: UnsafeMutablePointer<UnsafeMutableRawPointer?>, _ core: ServerCore
) -> MHD_Result {
    let socket = unsafe cmhd_connection_socket(connection)
    let reservedOnly = core.connections.headReceived(socket)
    let headers = HTTPHeaders(unsafe connectionValues(connection, .HEADER_KIND))
    let head = unsafe Request(
        id: RequestID.accept(headers["X-Request-Id"]),
        method: method.map { unsafe String(cString: $0) } ?? "GET",
        path: url.map { unsafe String(cString: $0) } ?? "/",
        query: unsafe connectionValues(connection, .GET_ARGUMENT_KIND),
        headers: headers,
        remoteAddress: cmhd_connection_client_address(connection).map { unsafe SocketText.ipAddress($0) } ?? "")
    let configuration = core.configuration
    let context = RequestContext(
        control: unsafe ConnectionControl(connection), socket: socket, head: head,
        maxBodyBytes: configuration.maxBodyBytes, bodyBudget: core.bodyBudget)
    unsafe slot.pointee = unsafe Unmanaged.passRetained(context).toOpaque()  // released in requestCompleted
    core.register(context)
    let refuse = { (response: Response) in unsafe queue(closing: response, on: connection, context, core) }
    if core.isDraining { return refuse(ServerErrorResponse.shuttingDown()) }
    let announced: Int?
    do throws(RequestFraming.Problem) {
        announced = try RequestFraming.contentLength(in: headers, method: head.method)
    } catch {
        return refuse(ServerErrorResponse.badFraming(error))
    }
    if reservedOnly && !configuration.reservedPaths.contains(head.path) { return refuse(ServerErrorResponse.busy()) }
    switch core.admit(head) {
    case .reject(let response): return refuse(response)
    case .admit(let caller, let route): context.admit(caller: caller, route: route)
    }
    if let announced {
        if announced > configuration.maxBodyBytes {
            context.rejectBody()
            return refuse(ServerErrorResponse.bodyTooLarge(limit: configuration.maxBodyBytes))
        }
        if !context.reserveAnnouncedBody(announced) { return refuse(ServerErrorResponse.busy()) }
    }
    return .YES
}

/// The request is complete: the inline handler answers it now, or the connection is suspended for the handler.
private func handOver(_ connection: OpaquePointer, _ context: RequestContext, _ core: ServerCore) -> MHD_Result {
    let request = context.takeRequest()
    core.connections.handling(context.socket)
    if let response = core.answerInline(request) {
        context.answerInline(response, requestID: request.id)
        return unsafe queueReadyResponse(on: connection, context, core) ?? .NO
    }
    guard context.suspendForHandler(requestID: request.id, unlessDraining: core) else {
        return unsafe queue(ServerErrorResponse.shuttingDown(), on: connection, context, core)
    }
    core.dispatch(request, context: context)
    core.watchForHangup(context)
    return .YES
}

private func requestCompleted(
    _ cls: UnsafeMutableRawPointer?, _ connection: OpaquePointer?,
    _ slot: UnsafeMutablePointer<UnsafeMutableRawPointer?>?
) {
    guard let cls = unsafe cls, let slot = unsafe slot, let raw = unsafe slot.pointee else { return }
    unsafe slot.pointee = nil
    let context = unsafe Unmanaged<RequestContext>.fromOpaque(raw).takeRetainedValue()  // retained in receiveHead
    let core = unsafe object(cls, as: ServerCore.self)
    core.completed(context)
    if unsafe connection != nil { core.connections.requestCompleted(context.socket) }
}

/// A connection opened or is about to close (libmicrohttpd closes the socket only after this returns).
private func connectionNotified(
    _ cls: UnsafeMutableRawPointer?, _ connection: OpaquePointer?, _ code: MHD_ConnectionNotificationCode
) {
    guard let cls = unsafe cls, let connection = unsafe connection else { return }
    let core = unsafe object(cls, as: ServerCore.self)
    let socket = unsafe cmhd_connection_socket(connection)
    if code.rawValue == 0 {  // MHD_CONNECTION_NOTIFY_STARTED
        core.openConnections.add(1, ordering: .relaxed)
        core.connections.opened(socket)
    } else {
        core.connections.closed(socket)
        core.openConnections.subtract(1, ordering: .relaxed)
    }
}

private func contentReader(_ cls: UnsafeMutableRawPointer?, _ buffer: UnsafeMutablePointer<CChar>?, _ max: Int) -> Int {
    guard let cls = unsafe cls, let buffer = unsafe buffer else { return cmhd_content_reader_end_with_error }
    let writer = unsafe object(cls, as: ResponseBodyWriter.self)
    switch unsafe writer.read(into: UnsafeMutableRawBufferPointer(start: buffer, count: max)) {
    case .bytes(let count): return count
    case .parked: return 0  // connection suspended; a write or the end resumes it
    case .endOfStream: return cmhd_content_reader_end_of_stream
    case .failed: return cmhd_content_reader_end_with_error
    }
}

// MARK: - Queueing responses

/// The block libmicrohttpd allocates (zeroed) with each callback response and holds for the response's life.
/// Chunked (HTTP/1.1) bodies are read straight into the connection's own buffer and never touch it; only
/// HTTP/1.0 clients read through it, this many bytes a call. (It was 32 KiB: 32 MB for 1,000 open streams.)
private let streamingBlockBytes = 1024

/// Queues a refusal given from the head: the body is never read, so the connection cannot carry another request.
private func queue(
    closing response: Response, on connection: OpaquePointer, _ context: RequestContext, _ core: ServerCore
) -> MHD_Result {
    var closing = response
    closing.headers.replaceOrAdd(name: "Connection", value: "close")
    return unsafe queue(closing, on: connection, context, core)
}

/// Queues the answer a resume or an inline handler left ready, if there is one.
private func queueReadyResponse(
    on connection: OpaquePointer, _ context: RequestContext, _ core: ServerCore
) -> MHD_Result? {
    guard let ready = context.takeReadyResponse(streamBufferBytes: core.configuration.streamBufferBytes) else {
        return nil
    }
    return unsafe queue(ready.response, streamingThrough: ready.writer, on: connection, context, core)
}

/// Queues `response` on an unsuspended connection: in memory, or a stream fed through `writer` by a
/// producer that starts now.
private func queue(
    _ response: Response, streamingThrough writer: ResponseBodyWriter? = nil, on connection: OpaquePointer,
    _ context: RequestContext, _ core: ServerCore
) -> MHD_Result {
    let status = UInt32((100...999).contains(response.status) ? response.status : 500)
    let mhdResponse: OpaquePointer?
    var producer: (@Sendable (ResponseBodyWriter) async throws -> Void, ResponseBodyWriter)?
    switch response.body {
    case .bytes(let body):
        // Sound: MUST_COPY makes libmicrohttpd copy the bytes before the call returns.
        unsafe mhdResponse = unsafe body.withUnsafeBytes { bytes in
            unsafe MHD_create_response_from_buffer(
                bytes.count, UnsafeMutableRawPointer(mutating: bytes.baseAddress), .RESPMEM_MUST_COPY)
        }
    case .stream(let produce):
        guard let writer else { preconditionFailure("a streaming response is queued with its writer") }
        let cls = unsafe Unmanaged.passRetained(writer).toOpaque()  // released by the free callback below
        unsafe mhdResponse = unsafe MHD_create_response_from_callback(
            cmhd_size_unknown, streamingBlockBytes, { cls, _, buffer, max in unsafe contentReader(cls, buffer, max) },
            cls,
            { cls in unsafe Unmanaged<ResponseBodyWriter>.fromOpaque(cls!).release() })
        if unsafe mhdResponse == nil { unsafe Unmanaged<ResponseBodyWriter>.fromOpaque(cls).release() }
        producer = (produce, writer)
    }
    guard let mhdResponse = unsafe mhdResponse else { return .NO }
    defer { unsafe MHD_destroy_response(mhdResponse) }
    for (name, value) in response.headers {
        _ = unsafe addHeader(mhdResponse, name, value)  // MHD refuses framing headers it owns
    }
    if let requestID = context.requestID, !response.headers.contains("X-Request-Id") {
        _ = unsafe addHeader(mhdResponse, "X-Request-Id", requestID)
    }
    let result = unsafe MHD_queue_response(connection, status, mhdResponse)
    if let (produce, writer) = producer, result == .YES {
        core.startProducer(produce, writer: writer, context: context)
    }
    return result
}

/// Adds one header field; libmicrohttpd copies both strings. (`withCString` lends a native string's own bytes;
/// passing a `String` as a C-string argument copied each one into a new array.)
private func addHeader(_ response: OpaquePointer, _ name: String, _ value: String) -> MHD_Result {
    unsafe name.withCString { name in
        unsafe value.withCString { value in unsafe MHD_add_response_header(response, name, value) }
    }
}

// MARK: - Reading request data

/// Key/value pairs of one kind (headers, query arguments) in arrival order.
private func connectionValues(_ connection: OpaquePointer, _ kind: MHD_ValueKind) -> [(name: String, value: String)] {
    var values: [(name: String, value: String)] = []
    // Sound: the iterator runs synchronously inside MHD_get_connection_values, while `values` is alive.
    _ = unsafe withUnsafeMutablePointer(to: &values) { pointer in
        unsafe MHD_get_connection_values(
            connection, kind,
            { cls, _, key, value in
                let values = unsafe cls!.assumingMemoryBound(to: [(name: String, value: String)].self)
                let name = unsafe key.map { unsafe String(cString: $0) } ?? ""
                unsafe values.pointee.append((name: name, value: unsafe value.map { unsafe String(cString: $0) } ?? ""))
                return .YES
            }, pointer)
    }
    return values
}

extension ConnectionControl {
    /// Suspend / resume for one libmicrohttpd connection.
    fileprivate init(_ connection: OpaquePointer) {
        let handle = unsafe ConnectionHandle(pointer: connection)
        self.init(
            suspend: { unsafe MHD_suspend_connection(handle.pointer) },
            resume: { unsafe MHD_resume_connection(handle.pointer) })
    }
}

/// A connection pointer carried into closures.
// Sound (@unchecked Sendable): suspend/resume are called under the owning lock and never after completion.
@safe private struct ConnectionHandle: @unchecked Sendable {
    let pointer: OpaquePointer
}
