public import HTTPClient
public import JSON

/// Why a JSON-RPC request failed. Endpoints are named by `RPCEndpoint.name`, never by their URL (which may carry
/// an API key).
public enum JSONRPCError: Error, Sendable, Equatable {
    /// The HTTP exchange with the named endpoint failed (connect, timeout, reset, ...).
    case transport(endpoint: String, HTTPClientError)
    /// The named endpoint answered with an HTTP status that means "try elsewhere" (5xx or 429).
    case httpStatus(endpoint: String, status: Int)
    /// The node answered with a JSON-RPC error object: an answer, never retried.
    case rpc(code: Int64, message: String, data: JSONValue?)
    /// The named endpoint's answer is not a valid reply (not JSON, wrong id, missing result, oversized, bad value).
    case invalidResponse(endpoint: String, reason: String)
    /// Every attempt failed; one error per attempt, in order.
    case allEndpointsFailed([JSONRPCError])
    /// The awaiting task was cancelled.
    case cancelled
}

extension JSONRPCError {
    /// Whether the failure is the endpoint's fault in transit, so the same endpoint may be tried again later.
    var isRetryable: Bool {
        switch self {
        case .transport, .httpStatus: true
        default: false
        }
    }
}

/// A reply value that does not have the expected shape; becomes `JSONRPCError.invalidResponse`.
public struct RPCValueError: Error, Sendable, Equatable {
    /// What was wrong, e.g. "quantity has leading zeros".
    public let reason: String

    /// Creates an error with `reason`.
    public init(_ reason: String) {
        self.reason = reason
    }
}
