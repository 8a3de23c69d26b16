/// Why an `HTTPClient` request failed. Messages come from libcurl and never contain the request body.
public enum HTTPClientError: Error, Sendable, Equatable {
    /// The host could not be resolved or no connection could be established (message says which).
    case connectFailed(String)
    /// A time limit ran out in the given phase.
    case timedOut(HTTPTimeoutPhase)
    /// The awaiting or consuming Task was cancelled, or the body stream was dropped.
    case cancelled
    /// The response body exceeded the byte limit given to `execute`.
    case bodyTooLarge(limit: Int)
    /// TLS handshake or certificate verification failed.
    case tlsFailed(String)
    /// The request could not be sent as given (bad URL, method or header field).
    case invalidRequest(String)
    /// Any other transport failure, with libcurl's numeric code and message.
    case transport(code: Int, message: String)
    /// The client was shut down before the transfer finished.
    case shutdown
    /// libcurl or the event thread could not be set up.
    case setupFailed(String)
}

/// Which time limit of `HTTPTimeouts` ran out.
public enum HTTPTimeoutPhase: Sendable, Equatable {
    /// Resolving and connecting took longer than `HTTPTimeouts.connect`.
    case connect
    /// The whole transfer took longer than `HTTPTimeouts.total`.
    case total
    /// No byte arrived for longer than `HTTPTimeouts.idle`.
    case idle
}

extension HTTPTimeoutPhase {
    /// Which limit libcurl's CURLE_OPERATION_TIMEDOUT stands for, `elapsed` after the transfer started.
    /// libcurl enforces connect and total; idle is ours and never reported through libcurl.
    init(curlTimeoutAfter elapsed: Duration, timeouts: HTTPTimeouts) {
        guard let total = timeouts.total else {
            self = .connect
            return
        }
        self = timeouts.connect < total && elapsed < total ? .connect : .total
    }
}

extension HTTPClientError: CustomStringConvertible {
    /// A one-line message for logs and for error replies that name an upstream failure.
    public var description: String {
        switch self {
        case .connectFailed(let message): message
        case .timedOut(let phase): "timed out (\(phase) limit)"
        case .cancelled: "cancelled"
        case .bodyTooLarge(let limit): "response body larger than \(limit) bytes"
        case .tlsFailed(let message): "TLS: \(message)"
        case .invalidRequest(let message): "invalid request: \(message)"
        case .transport(let code, let message): "transport error \(code): \(message)"
        case .shutdown: "client shut down"
        case .setupFailed(let message): message
        }
    }
}
