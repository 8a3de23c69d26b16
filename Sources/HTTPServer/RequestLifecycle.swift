/// The life of one request on one connection, as a value: events in, actions out.
///
/// `receiving` → (body complete) `handling` [connection suspended] → (handler returned, deadline,
/// or shutdown) `ready` [connection resumed] → (libmicrohttpd calls back) `sending` or `streaming`
/// → `completed`. An inline handler's answer goes from `receiving` straight to `ready`, on the daemon's thread
/// and without a suspend. The connection is suspended exactly while the phase is `handling`.
struct RequestLifecycle {
    /// Where the request is.
    enum Phase {
        /// Headers seen; body arriving.
        case receiving
        /// Connection suspended; the handler task runs.
        case handling
        /// An answer is chosen and the connection resumed; libmicrohttpd will call back to queue it.
        case ready(Response)
        /// An in-memory response is queued.
        case sending
        /// A streaming response is queued; its producer feeds this writer.
        case streaming(ResponseBodyWriter)
        /// libmicrohttpd is done with the request.
        case completed
    }

    /// What the caller must do after an interruption (deadline or shutdown).
    enum Interruption {
        /// Nothing is waiting on the server.
        case none
        /// The handler lost the race: resume the connection and cancel the handler task.
        case resumeAndCancelHandler
        /// The stream is cut short: abort the writer and cancel the producer.
        case abortStream(ResponseBodyWriter)
    }

    private(set) var phase: Phase = .receiving

    /// The body is complete and the connection is about to be suspended for the handler.
    mutating func startHandling() {
        guard case .receiving = phase else { preconditionFailure("handler started twice") }
        phase = .handling
    }

    /// An inline handler answered on the daemon's thread: the connection was never suspended.
    mutating func answeredInline(_ response: Response) {
        guard case .receiving = phase else { preconditionFailure("answered inline after the body phase") }
        phase = .ready(response)
    }

    /// The handler returned; true when the caller must resume the connection.
    mutating func handlerReturned(_ response: Response) -> Bool {
        guard case .handling = phase else { return false }
        phase = .ready(response)
        return true
    }

    /// The deadline passed or shutdown forced an answer of `response`.
    mutating func interrupt(answering response: Response) -> Interruption {
        switch phase {
        case .handling:
            phase = .ready(response)
            return .resumeAndCancelHandler
        case .ready(let pending):
            if case .stream = pending.body { phase = .ready(response) }
            return .none
        case .streaming(let writer):
            return .abortStream(writer)
        case .receiving, .sending, .completed:
            return .none
        }
    }

    /// libmicrohttpd called back after a resume: the answer to queue, if one is ready, and for a stream
    /// its writer. A stream goes straight to `streaming`, so an interruption can always reach its writer.
    mutating func takeReadyResponse(
        makeWriter: () -> ResponseBodyWriter
    ) -> (response: Response, writer: ResponseBodyWriter?)? {
        guard case .ready(let response) = phase else { return nil }
        guard case .stream = response.body else {
            phase = .sending
            return (response, nil)
        }
        let writer = makeWriter()
        phase = .streaming(writer)
        return (response, writer)
    }

    /// libmicrohttpd completed the request; returns the stream writer if one was active.
    mutating func complete() -> ResponseBodyWriter? {
        defer { phase = .completed }
        if case .streaming(let writer) = phase { return writer }
        return nil
    }
}
