import JSON
import System

/// A miner's refusal of the request itself: a 4xx that says the request is wrong (too long for its context, a bad
/// parameter), not that the miner is. It is the client's error: relayed to the client with the miner's message,
/// never retried on other miners and never counted against the miner's health or breaker.
///
/// 401, 403 and 407 (the router's miner key), 404, 405 and 421 (the miner lacks the route or model), 408 and 429
/// (the miner is slow or busy) stay miner failures: another miner may answer the same request.
public struct MinerRefusal: Sendable, Hashable {
    /// The miner's status (a 4xx).
    public var status: Int
    /// The miner's message, bounded and stripped of control characters.
    public var message: String
    /// A machine-readable code: the miner's when it gave a short one, `context_length_exceeded` when the message
    /// says so, else `upstream_rejected`.
    public var code: String
    /// The request field at fault, if the miner named one.
    public var param: String?

    /// Most body bytes read from a refusing miner.
    static let maxBodyBytes = 16 << 10
    /// Longest message relayed.
    public static let maxMessageCharacters = 500

    /// Whether `status` is a refusal of the request rather than a failure of the miner.
    static func isRefusal(status: Int) -> Bool {
        (400..<500).contains(status) && ![401, 403, 404, 405, 407, 408, 421, 429].contains(status)
    }

    /// The refusal described by an untrusted error body: an OpenAI `{"error": {...}}`, llama.cpp's variant of it,
    /// or plain text.
    public static func parse(status: Int, body: [UInt8]) -> MinerRefusal {
        let value = try? JSONValue.parse(body, limits: JSONLimits(maxDepth: 16, maxBytes: maxBodyBytes))
        let error = value?["error"]
        let text =
            error?["message"]?.stringValue ?? error?.stringValue ?? value?["message"]?.stringValue
            ?? (value == nil ? String(decoding: body, as: UTF8.self) : nil) ?? ""
        let message = sanitized(text)
        let minerCode = error?["code"]?.stringValue ?? error?["type"]?.stringValue
        return MinerRefusal(
            status: status,
            message: message.isEmpty ? "the miner refused the request (HTTP \(status))" : message,
            code: code(minerCode: minerCode, message: message),
            param: error?["param"]?.stringValue.map(sanitized).flatMap { $0.isEmpty ? nil : $0 })
    }

    /// Reads the refusing miner's body, at most `maxBodyBytes`, and parses it.
    static func read(_ response: MinerHTTPStream) async -> MinerRefusal {
        var body: [UInt8] = []
        do {
            for try await chunk in response.body {
                body += chunk.prefix(maxBodyBytes - body.count)
                if body.count >= maxBodyBytes { break }
            }
        } catch {
            // A refusal whose body broke off is still a refusal; what arrived is its message.
        }
        return parse(status: response.status, body: body)
    }

    /// `text` without control characters, bounded.
    static func sanitized(_ text: String) -> String {
        let printable = text.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F }
        let flat = String(String.UnicodeScalarView(printable))
        return String(flat.prefix(maxMessageCharacters))
    }

    /// The code to relay: `context_length_exceeded` when the miner says the prompt is too long for its context
    /// (OpenAI's code, llama.cpp's `exceed_context_size_error`, or the words in the message), the miner's own short
    /// code otherwise, else `upstream_rejected`.
    static func code(minerCode: String?, message: String) -> String {
        let lowered = message.lowercased()
        let saysContext =
            TextSearch.contains(lowered, "context")
            && (TextSearch.contains(lowered, "exceed") || TextSearch.contains(lowered, "too long"))
        if minerCode == "context_length_exceeded" || minerCode == "exceed_context_size_error" || saysContext {
            return "context_length_exceeded"
        }
        if let minerCode, !minerCode.isEmpty, minerCode.count <= 64,
            minerCode.unicodeScalars.allSatisfy({ $0.properties.isAlphabetic || $0 == "_" || ("0"..."9").contains($0) })
        {
            return minerCode
        }
        return "upstream_rejected"
    }

    /// Seconds from a miner's `Retry-After` in its delta-seconds form, bounded to a day; nil when absent or a date.
    public static func retryAfterSeconds(_ header: String?) -> Int? {
        guard let header else { return nil }
        let digits = header.trimmingSpaces
        guard !digits.isEmpty, digits.count <= 9, digits.utf8.allSatisfy({ (0x30...0x39).contains($0) }),
            let seconds = Int(digits)
        else { return nil }
        return min(seconds, 86_400)
    }
}
