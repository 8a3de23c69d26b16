/// Why one miner failed one attempt. Carries codes and miner-provided diagnostics, never prompt text.
public enum UpstreamFailure: Sendable, Hashable {
    /// The connection could not be made, or the request not sent (transport description).
    case connectFailed(String)
    /// The miner answered with a non-2xx status.
    case httpStatus(Int)
    /// The miner is busy (429); its `Retry-After` in seconds, if it sent one.
    case busy(retryAfter: Int?)
    /// The miner refused the request itself (see `MinerRefusal`): the client's error, not the miner's.
    case refused(MinerRefusal)
    /// No event arrived within the first-token timeout.
    case firstTokenTimeout
    /// The miner's output is not OpenAI SSE/JSON (what was wrong, no payload text).
    case invalidResponse(String)
    /// The reply ended before any text, finish or usage event.
    case emptyReply
    /// The miner sent an OpenAI `error` object (its message, truncated).
    case minerError(String)
    /// The connection broke while reading the reply (transport description).
    case connectionLost(String)
    /// A health probe got no complete answer in time.
    case probeTimeout
    /// After the first event, no further event arrived within the inter-token timeout.
    case interTokenTimeout
    /// The reply went past what the request allows (which limit; see `ReplyBudget`).
    case replyTooLarge(String)

    /// A one-line description for logs and status pages.
    public var summary: String {
        switch self {
        case .connectFailed(let detail): "connect failed: \(detail)"
        case .httpStatus(let status): "HTTP status \(status)"
        case .busy: "busy (HTTP 429)"
        case .refused(let refusal): "refused the request (HTTP \(refusal.status), \(refusal.code))"
        case .firstTokenTimeout: "no first token in time"
        case .invalidResponse(let detail): "invalid response: \(detail)"
        case .emptyReply: "reply ended without content"
        case .minerError(let message): "miner error: \(message)"
        case .connectionLost(let detail): "connection lost: \(detail)"
        case .probeTimeout: "health probe timed out"
        case .interTokenTimeout: "no token within the inter-token timeout"
        case .replyTooLarge(let detail): "reply too large: \(detail)"
        }
    }
}

/// One failed attempt of a request: which miner and why.
public struct UpstreamAttemptFailure: Sendable, Hashable {
    /// Miner id.
    public var minerID: String
    /// What went wrong.
    public var reason: UpstreamFailure

    /// Creates a record.
    public init(minerID: String, reason: UpstreamFailure) {
        self.minerID = minerID
        self.reason = reason
    }
}

/// Errors of the miner pool, thrown by `MinerPool.send` or ending a reply's event stream.
public enum UpstreamError: Error, Sendable, Hashable {
    /// No miner may take the request: none is allowed and serves the model, or all their breakers are open.
    case noHealthyMiner(model: String?)
    /// Every attempted miner failed before its first event (attempts in order).
    case allMinersFailed(attempts: [UpstreamAttemptFailure])
    /// The request deadline passed; `miner` is the one being waited on or streaming, `attempts` the failures
    /// before it (and any other attempt still waiting, as `firstTokenTimeout`).
    case deadlineExceeded(miner: String?, attempts: [UpstreamAttemptFailure])
    /// The miner failed after events were relayed; the reply cannot be retried.
    case streamInterrupted(miner: String, reason: UpstreamFailure)
    /// No miner serves the requested model, and every miner's models are known; `available` lists what they serve.
    case modelNotFound(model: String, available: [String])
    /// The caller's task was cancelled while waiting for a miner.
    case cancelled
    /// The miner refused the request itself (a client error it found, such as a prompt too long for its context).
    case requestRefused(miner: String, refusal: MinerRefusal)
}
