import System

/// How a request's body is delimited, checked before any of it is read (RFC 9112 §6).
///
/// libmicrohttpd takes the first of two Content-Length fields and lets Transfer-Encoding override Content-Length
/// silently; a proxy in front of the router that reads the other one would see a different request boundary (the
/// request-smuggling shapes). A coding other than `chunked` cannot be decoded here. Each of these is refused.
enum RequestFraming {
    /// Why a request's framing is refused.
    enum Problem: Error, Equatable, Sendable {
        /// Content-Length fields (or list members) that disagree.
        case conflictingContentLengths
        /// A Content-Length that is not a decimal number.
        case invalidContentLength
        /// Both Content-Length and Transfer-Encoding.
        case contentLengthWithTransferEncoding
        /// A transfer coding other than a single `chunked`.
        case unsupportedTransferEncoding
        /// A body on a GET or HEAD request (RFC 9110 §9.3.1: it has no meaning there). Refused, so that a route open
        /// to everyone (the gateway's `/ipfs/`) cannot be made to hold bodies.
        case bodyWithoutMeaning

        /// A fixed ASCII sentence for the error body (no client bytes echoed).
        var message: String {
            switch self {
            case .conflictingContentLengths: "conflicting Content-Length values"
            case .invalidContentLength: "Content-Length is not a decimal number"
            case .contentLengthWithTransferEncoding: "both Content-Length and Transfer-Encoding are present"
            case .unsupportedTransferEncoding: "only the chunked transfer coding is supported"
            case .bodyWithoutMeaning: "a GET or HEAD request carries no body"
            }
        }
    }

    /// The body length the head of a `method` request announces (nil: none, or chunked), or the framing problem.
    static func contentLength(in headers: HTTPHeaders, method: String) throws(Problem) -> Int? {
        let length = try contentLength(in: headers)
        if method == "GET" || method == "HEAD", length.map({ $0 > 0 }) ?? headers.contains("Transfer-Encoding") {
            throw .bodyWithoutMeaning
        }
        return length
    }

    /// The body length the headers announce (nil: none, or chunked), or the framing problem.
    static func contentLength(in headers: HTTPHeaders) throws(Problem) -> Int? {
        let lengths = headers.values(for: "Content-Length").flatMap {
            $0.split(separator: ",", omittingEmptySubsequences: false)
        }
        let codings = headers.values(for: "Transfer-Encoding")
        if !codings.isEmpty {
            guard lengths.isEmpty else { throw .contentLengthWithTransferEncoding }
            guard codings.count == 1, isChunked(codings[0]) else { throw .unsupportedTransferEncoding }
            return nil
        }
        var length: Int?
        for text in lengths {
            guard let value = decimal(text.trimmingSpaces) else { throw .invalidContentLength }
            if let length, length != value { throw .conflictingContentLengths }
            length = value
        }
        return length
    }

    private static func isChunked(_ coding: String) -> Bool {
        let trimmed = coding.trimmingSpaces.utf8
        return trimmed.count == 7 && zip(trimmed, "chunked".utf8).allSatisfy { HTTPHeaders.asciiLowercased($0) == $1 }
    }

    /// 1 to 18 ASCII digits (no sign, no spaces inside): larger bodies are far past any limit anyway.
    private static func decimal(_ text: String) -> Int? {
        let digits = text.utf8
        guard (1...18).contains(digits.count), digits.allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
        return digits.reduce(0) { $0 * 10 + Int($1 - 0x30) }
    }
}
