/// What one miner reply may carry: text deltas (≈ tokens), text bytes and wire bytes, derived from the request's
/// `max_tokens` with headroom and capped by the pool's absolute limits.
///
/// A miner is untrusted: without a budget, one streaming 64 KB deltas as fast as it can filled the reply's buffer
/// (and a non-stream answer's text) until the request deadline, gigabytes within seconds. Charging runs once per
/// decoded payload and body chunk, a few integer additions; nothing is allocated. Pure value, no I/O.
struct ReplyBudget: Sendable, Hashable {
    /// Allowed deltas per requested token (a miner may count differently from the router).
    static let tokenHeadroomFactor = 2
    /// Deltas allowed on top (role-only chunks, a short answer's stragglers).
    static let tokenHeadroom = 16
    /// Text bytes allowed per allowed delta: the longest tokens of common vocabularies are runs of spaces or
    /// punctuation well below this.
    static let bytesPerToken = 128
    /// Wire bytes per allowed text byte: SSE framing, JSON envelopes and escapes (`\uXXXX` is 6 bytes per byte).
    static let wireBytesPerTextByte = 16
    /// Wire bytes allowed on top (headers of the JSON reply, usage and finish chunks).
    static let wireHeadroom = 64 << 10

    /// Most text deltas the reply may carry.
    let maxDeltas: Int
    /// Most bytes of text the reply may carry.
    let maxTextBytes: Int
    /// Most body bytes the miner may send.
    let maxWireBytes: Int
    private(set) var deltas = 0
    private(set) var textBytes = 0
    private(set) var wireBytes = 0

    /// The budget of a request asking for `maxTokens` (nil: whatever the miner likes, so the absolute caps).
    init(maxTokens: Int?, maxReplyTokens: Int, maxReplyBytes: Int) {
        let cap = max(1, maxReplyTokens)
        // Clamped before multiplying, so a hostile `max_tokens` cannot overflow.
        let requested = min(max(0, maxTokens ?? cap), cap)
        maxDeltas = min(cap, requested * Self.tokenHeadroomFactor + Self.tokenHeadroom)
        maxTextBytes = min(max(1, maxReplyBytes), maxDeltas * Self.bytesPerToken)
        maxWireBytes = maxTextBytes * Self.wireBytesPerTextByte + Self.wireHeadroom
    }

    /// Counts `count` body bytes received from the miner.
    mutating func chargeWire(_ count: Int) throws(ReplyBudgetError) {
        wireBytes += count
        guard wireBytes <= maxWireBytes else { throw .tooManyBytes(limit: maxWireBytes) }
    }

    /// Counts the text of decoded `events`.
    /// Counts the text of decoded `events`; a piece (tool calls, other choices, logprobs) counts as one delta
    /// per choice and its payload's bytes, since `n` choices and logprobs multiply what one token sends.
    mutating func charge(_ events: [UpstreamEvent]) throws(ReplyBudgetError) {
        for event in events {
            switch event {
            case .text(let delta): textBytes += delta.utf8.count
            case .piece(let piece): textBytes += piece.weight / Self.wireBytesPerTextByte + 1
            default: continue
            }
            deltas += 1
            guard deltas <= maxDeltas else { throw .tooManyTokens(limit: maxDeltas) }
            guard textBytes <= maxTextBytes else { throw .tooManyTextBytes(limit: maxTextBytes) }
        }
    }
}

/// Which limit of a `ReplyBudget` a miner's reply went past.
enum ReplyBudgetError: Error, Sendable, Hashable {
    /// More text deltas than the budget allows.
    case tooManyTokens(limit: Int)
    /// More bytes of text than the budget allows.
    case tooManyTextBytes(limit: Int)
    /// More body bytes than the budget allows.
    case tooManyBytes(limit: Int)

    /// A short description for the miner's failure record (limits only, never payload).
    var summary: String {
        switch self {
        case .tooManyTokens(let limit): "over \(limit) tokens"
        case .tooManyTextBytes(let limit): "over \(limit) bytes of text"
        case .tooManyBytes(let limit): "over \(limit) bytes"
        }
    }
}
