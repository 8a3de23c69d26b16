import Inference
import JSON

/// One generated token's logprobs in the OpenAI shapes: chat's `logprobs.content` entry and the completions API's
/// parallel arrays (one token per chunk).
struct LocalLogprobs {
    let token: Entry
    let top: [Entry]

    struct Entry {
        let text: String
        let bytes: [UInt8]
        let logprob: Float
    }

    init(_ id: TokenID, _ logprobs: TokenLogprobs, tokenizer: Tokenizer) {
        func entry(_ id: TokenID, _ logprob: Float) -> Entry {
            let bytes = tokenizer.piece(for: id)
            return Entry(text: String(decoding: bytes, as: UTF8.self), bytes: bytes, logprob: logprob)
        }
        token = entry(id, logprobs.logprob)
        top = logprobs.top.map { entry($0.id, $0.logprob) }
    }

    /// `{"content": [{"token", "logprob", "bytes", "top_logprobs": [...]}]}`.
    var chatJSON: JSONValue {
        var first = Self.json(token)
        first["top_logprobs"] = .array(top.map { .object(Self.json($0)) })
        return ["content": [.object(first)]]
    }

    /// `{"tokens", "token_logprobs", "top_logprobs": [{token: logprob}], "text_offset"}` for one token.
    var completionJSON: JSONValue {
        var alternatives = JSONObject()
        for entry in top where alternatives[entry.text] == nil { alternatives[entry.text] = Self.number(entry.logprob) }
        return [
            "tokens": [.string(token.text)], "token_logprobs": [Self.number(token.logprob)],
            "top_logprobs": [.object(alternatives)],
        ]
    }

    private static func json(_ entry: Entry) -> JSONObject {
        [
            "token": .string(entry.text), "logprob": number(entry.logprob),
            "bytes": .array(entry.bytes.map { .int(Int64($0)) }),
        ]
    }

    /// A finite logprob (JSON has no infinities: an impossible token reports OpenAI's floor, -9999).
    private static func number(_ logprob: Float) -> JSONValue {
        .double(logprob.isFinite ? Double(logprob) : -9999)
    }
}
