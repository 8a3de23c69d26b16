/// An HTTP response: status, headers and a body that is either in memory or produced while sending.
public struct Response: Sendable {
    /// Status code, 100...999 (anything else is sent as 500).
    public var status: Int
    /// Header fields; the server adds Date, Content-Length / Transfer-Encoding and X-Request-Id.
    public var headers: HTTPHeaders
    /// The body.
    public var body: ResponseBody

    /// A response from its parts.
    public init(status: Int, headers: HTTPHeaders = HTTPHeaders(), body: ResponseBody) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// An in-memory body with a Content-Type.
    public static func bytes(_ status: Int, contentType: String, _ body: [UInt8]) -> Response {
        Response(status: status, headers: ["Content-Type": contentType], body: .bytes(body))
    }

    /// A UTF-8 plain-text body.
    public static func text(_ status: Int, _ text: String) -> Response {
        bytes(status, contentType: "text/plain; charset=utf-8", Array(text.utf8))
    }

    /// A body produced by `producer` after the headers are sent (chunked transfer encoding).
    public static func stream(
        _ status: Int, contentType: String,
        _ producer: @escaping @Sendable (ResponseBodyWriter) async throws -> Void
    ) -> Response {
        Response(status: status, headers: ["Content-Type": contentType], body: .stream(producer))
    }
}

/// Where a response's body comes from.
public enum ResponseBody: Sendable {
    /// The whole body, known up front.
    case bytes([UInt8])
    /// A producer the server runs after sending the headers; returning ends the body, throwing aborts it.
    case stream(@Sendable (ResponseBodyWriter) async throws -> Void)
}

/// Errors the server answers on its own, as small JSON documents.
enum ServerErrorResponse {
    /// Body over `maxBodyBytes`.
    static func bodyTooLarge(limit: Int) -> Response {
        json(413, type: "request_too_large", message: "request body exceeds \(limit) bytes")
    }

    /// The handler did not answer before the request deadline.
    static func deadlineExceeded() -> Response {
        json(504, type: "deadline_exceeded", message: "request deadline exceeded")
    }

    /// Every normal connection slot, or the memory for request bodies, is taken; the client may retry shortly.
    static func busy() -> Response {
        var response = json(503, type: "server_busy", message: "server is at capacity, retry shortly")
        response.headers.add(name: "Retry-After", value: "1")
        return response
    }

    /// The request's framing is ambiguous or unsupported (RFC 9112 section 6).
    static func badFraming(_ problem: RequestFraming.Problem) -> Response {
        json(400, type: "bad_request_framing", message: problem.message)
    }

    /// The server is shutting down and takes no new work.
    static func shuttingDown() -> Response {
        var response = json(503, type: "shutting_down", message: "server is shutting down")
        response.headers.add(name: "Connection", value: "close")
        return response
    }

    /// OpenAI's error shape `{"error":{"message":…,"type":…,"param":null,"code":…}}`, the code a string as the
    /// SDKs type it; callers pass fixed ASCII text without quotes.
    private static func json(_ status: Int, type: String, message: String) -> Response {
        let text = #"{"error":{"message":"\#(message)","type":"\#(type)","param":null,"code":"\#(type)"}}"#
        return .bytes(status, contentType: "application/json", Array(text.utf8))
    }
}
