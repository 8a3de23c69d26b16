public import HTTPServer
public import JSON
import System

/// The API a route belongs to; it decides the shape of error bodies.
public enum APIFlavor: Sendable {
    /// Cortensor REST (`/api/v1`): `{"status":"failed","error":{"code","message","details"}}`.
    case cortensor
    /// OpenAI-compatible (`/v1`): `{"error":{"message","type","param","code"}}`.
    case openAI
    /// Plain text status line (`/healthz`, `/metrics`, `/ipfs`, unknown routes).
    case plain
    /// kubo's RPC (`/api/v0`): `{"Message":…,"Code":0,"Type":"error"}`.
    case kubo
}

/// An error that ends a request with a status code; rendered in the owning API's error shape.
///
/// Messages name fields and limits, never the prompt, a completion or a key.
public struct APIError: Error, Sendable, Equatable {
    /// HTTP status code.
    public var status: Int
    /// Short machine-readable code, e.g. `invalid_field`.
    public var code: String
    /// One human-readable sentence.
    public var message: String
    /// The request field at fault, if any.
    public var field: String?
    /// Extra headers such as `Retry-After` or `Allow`.
    public var headers: [Header] = []

    /// One response header.
    public struct Header: Sendable, Equatable {
        /// Header name.
        public var name: String
        /// Header value.
        public var value: String
    }

    /// Creates an error.
    public init(status: Int, code: String, message: String, field: String? = nil, headers: [Header] = []) {
        self.status = status
        self.code = code
        self.message = message
        self.field = field
        self.headers = headers
    }

    /// 400: the request body or a field is invalid.
    public static func invalidField(_ field: String, _ problem: String) -> APIError {
        APIError(status: 400, code: "invalid_field", message: "field '\(field)' \(problem)", field: field)
    }

    /// 400: the body is not acceptable JSON.
    public static func malformedBody(_ problem: String) -> APIError {
        APIError(status: 400, code: "invalid_json", message: "request body is not valid JSON: \(problem)")
    }

    /// 401: no key, or a key we do not know.
    public static let unauthorized = APIError(
        status: 401, code: "unauthorized",
        message: "missing or invalid API key; send 'Authorization: Bearer <key>' or 'X-API-Key: <key>'",
        headers: [Header(name: "WWW-Authenticate", value: "Bearer")])

    /// 404: no such route or resource.
    public static func notFound(_ what: String) -> APIError {
        APIError(status: 404, code: "not_found", message: "\(what) not found")
    }

    /// 429 with `Retry-After` in whole seconds.
    public static func rateLimited(retryAfter: Duration) -> APIError {
        let seconds = max(1, Int((retryAfter.seconds).rounded(.up)))
        return APIError(
            status: 429, code: "rate_limited", message: "rate limit exceeded; retry after \(seconds) s",
            headers: [Header(name: "Retry-After", value: String(seconds))])
    }

    /// The OpenAI `type` that matches the status.
    var openAIType: String {
        switch status {
        case 400, 404, 405, 413: return "invalid_request_error"
        case 401: return "authentication_error"
        case 429: return "rate_limit_error"
        default: return "server_error"
        }
    }

    /// The error body for `flavor`.
    public func body(for flavor: APIFlavor) -> JSONValue {
        switch flavor {
        case .openAI:
            return [
                "error": [
                    "message": .string(message), "type": .string(openAIType),
                    "param": field.map(JSONValue.string) ?? .null, "code": .string(code),
                ]
            ]
        case .kubo:
            // kubo's cmds codes: 1 a client error (400), 3 not found (404), 0 anything else.
            let code: Int64 = status == 400 ? 1 : status == 404 ? 3 : 0
            return ["Message": .string(message), "Code": .int(code), "Type": "error"]
        case .cortensor, .plain:
            var details = JSONObject()
            if let field { details["field"] = .string(field) }
            return [
                "status": "failed",
                "error": ["code": .string(code), "message": .string(message), "details": .object(details)],
            ]
        }
    }

    /// The full response for `flavor`.
    public func response(for flavor: APIFlavor) -> Response {
        var response: Response
        if flavor == .plain {
            response = Response.text(status, message + "\n")
        } else {
            response = Response.json(status, body(for: flavor))
        }
        for header in headers { response.headers.add(name: header.name, value: header.value) }
        return response
    }
}
