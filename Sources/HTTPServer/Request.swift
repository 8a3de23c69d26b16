import Synchronization
import System

/// One HTTP request as the handler sees it: fully received, body in memory.
public struct Request: Sendable {
    /// Request id: the client's `X-Request-Id` when sane, else generated.
    public let id: String
    /// Method token, e.g. "GET".
    public let method: String
    /// Percent-decoded path without the query string.
    public let path: String
    /// Decoded query arguments in order (a key without `=` has an empty value).
    public let query: [(name: String, value: String)]
    /// Request header fields in arrival order.
    public let headers: HTTPHeaders
    /// The request body (at most `maxBodyBytes`).
    public let body: [UInt8]
    /// The client's IP address, e.g. "127.0.0.1" or "::1".
    public let remoteAddress: String
    /// The identity of the API key that was checked (its prefix, or "dev"), found by the server's admission check
    /// from the head before the body was read, or by the gateway on a route that needs a key; nil elsewhere. What
    /// rate limits and shared work (the local model's fair queue) are counted by.
    public var caller: String?
    /// What the server's admission check found for the head and handed back (`Admission.admit(caller:route:)`),
    /// e.g. the matched route; nil for requests that had no admission check.
    public internal(set) var admittedRoute: (any Sendable)?

    /// A request from its parts (the server builds these; tests and routers may too).
    public init(
        id: String, method: String, path: String, query: [(name: String, value: String)] = [],
        headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = [], remoteAddress: String = "127.0.0.1",
        caller: String? = nil
    ) {
        self.id = id
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
        self.remoteAddress = remoteAddress
        self.caller = caller
    }

    /// This request with its body, and the caller and route its admission named.
    func completed(body: [UInt8], caller: String?, admittedRoute: (any Sendable)?) -> Request {
        var request = Request(
            id: id, method: method, path: path, query: query, headers: headers, body: body,
            remoteAddress: remoteAddress, caller: caller)
        request.admittedRoute = admittedRoute
        return request
    }

    /// The first query value named `name` (exact match), or nil.
    public func queryValue(_ name: String) -> String? {
        query.first { $0.name == name }?.value
    }

    /// Whether any `Cache-Control` field carries one of `directives` (lowercase names, e.g. `no-cache`).
    public func hasCacheControl(_ directives: Set<String>) -> Bool {
        headers.values(for: "Cache-Control").contains { value in
            value.split(separator: ",").contains { directives.contains($0.trimmingSpaces.lowercased()) }
        }
    }
}

/// Request ids: accept a client's id only when it is short and plain, else mint one.
enum RequestID {
    /// Longest client-supplied id we echo back.
    static let maxLength = 128

    /// `untrusted` if it is 1...128 characters of `[A-Za-z0-9._:-]`, else a fresh random id.
    static func accept(_ untrusted: String?) -> String {
        if let untrusted, isSane(untrusted) { return untrusted }
        return generate()
    }

    /// Whether a client-supplied id is safe to log and echo.
    static func isSane(_ untrusted: String) -> Bool {
        let bytes = untrusted.utf8
        guard !bytes.isEmpty, bytes.count <= maxLength else { return false }
        return bytes.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: ":"), UInt8(ascii: "-"):
                true
            default:
                false
            }
        }
    }

    /// Where the id sequence is: a random start, one step per id.
    private static let sequence = Atomic<UInt64>(.random(in: .min ... .max))

    /// 32 lowercase hex digits: SipHash (the standard library's `Hasher`, keyed at random per process) of a counter
    /// with a random start, as unguessable to a client as random bits, without the two getrandom calls per request
    /// the system generator made.
    static func generate() -> String {
        let count = sequence.wrappingAdd(1, ordering: .relaxed).oldValue
        var digits: [UInt8] = []
        digits.reserveCapacity(32)
        for half in 0..<2 {
            var hasher = Hasher()
            hasher.combine(count)
            hasher.combine(half)
            let word = UInt64(truncatingIfNeeded: hasher.finalize())
            for shift in stride(from: 60, through: 0, by: -4) {
                digits.append(hexDigits[Int(truncatingIfNeeded: word >> UInt64(shift) & 0xF)])
            }
        }
        return String(decoding: digits, as: UTF8.self)
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)
}
