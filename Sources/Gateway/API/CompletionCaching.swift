import Cache
import HTTPServer
import JSON
import Upstream

extension Request {
    /// Whether the caller sent `Cache-Control: no-cache` (or `no-store`): skip the completion cache.
    var asksNoCache: Bool { hasCacheControl(["no-cache", "no-store"]) }
}

/// The completion cache as the completion service uses it: which requests are cacheable, their keys, and the
/// stored form of an answer (its upstream events, so a hit replays as the miner's answer did: whole or as SSE).
struct CompletionCaching: Sendable {
    let cache: CompletionCache
    let policy: EdgeConfig.CachePolicy

    /// The key of a cacheable request, nil when the policy excludes it: the SHA-256 of its request block (the
    /// canonical JSON of everything that determines the output, `canonicalForm`), which is that block's digest.
    func key(for request: CompletionRequest, requestBlock: TaskWriter.Block) -> [UInt8]? {
        switch policy {
        case .off: return nil
        case .deterministic: guard request.temperature == 0 || request.seed != nil else { return nil }
        case .all: break
        }
        return requestBlock.cid.multihash.digest
    }

    /// The request as stored and keyed: session, model, prompt or messages (as the miner gets them: parts, tool
    /// calls, names), sampling and length options, seed, and every forwarded field (tools, response format, `n`,
    /// logprobs, ...), so a tools request never meets a plain request's answer.
    /// Fields in a fixed order; unset options are null, so "unset" and "set" never collide.
    static func canonicalForm(_ request: CompletionRequest, sessionID: Int, model: String?) -> JSONValue {
        func number(_ value: Double?) -> JSONValue { value.map(JSONValue.double) ?? .null }
        func integer(_ value: Int?) -> JSONValue { value.map { .int(Int64($0)) } ?? .null }
        let input: JSONValue =
            switch request.input {
            case .prompt(let prompt): ["prompt": .string(prompt)]
            case .messages(let messages):
                ["messages": .array(messages.map { .object($0.wire) })]
            case .tokens(let tokens): ["tokens": .array(tokens.map { .int(Int64($0)) })]
            }
        return [
            "v": 2, "session": .int(Int64(sessionID)), "model": model.map(JSONValue.string) ?? .null, "input": input,
            "max_tokens": integer(request.maxTokens), "temperature": number(request.temperature),
            "top_p": number(request.topP), "top_k": integer(request.topK),
            "presence_penalty": number(request.presencePenalty), "frequency_penalty": number(request.frequencyPenalty),
            "seed": integer(request.seed), "stop": .array(request.stop.map(JSONValue.string)),
            "forwarded": .object(request.forwarded),
        ]
    }

    /// The stored form of a finished answer.
    static func encode(_ events: [UpstreamEvent]) -> [UInt8] {
        let items: [JSONValue] = events.map { event in
            switch event {
            case .text(let text): ["text": .string(text)]
            case .finish(let reason): ["finish": .string(reason)]
            case .usage(let prompt, let completion): ["usage": [.int(Int64(prompt)), .int(Int64(completion))]]
            case .piece(let piece): ["piece": storedForm(piece)]
            case .usageDetails(let details): ["usage_details": .object(details)]
            case .fingerprint(let fingerprint): ["fingerprint": .string(fingerprint)]
            }
        }
        let stored: JSONValue = ["v": 1, "events": .array(items)]
        return stored.serializedBytes
    }

    /// The events of a stored answer; nil if the bytes are not one.
    static func decode(_ bytes: [UInt8]) -> [UpstreamEvent]? {
        guard let root = try? JSONValue.parse(bytes).objectValue, root["v"]?.intValue == 1,
            let items = root["events"]?.arrayValue
        else { return nil }
        var events: [UpstreamEvent] = []
        for item in items {
            guard let object = item.objectValue else { return nil }
            if let text = object["text"]?.stringValue {
                events.append(.text(text))
            } else if let reason = object["finish"]?.stringValue {
                events.append(.finish(reason: reason))
            } else if let usage = object["usage"]?.arrayValue, usage.count == 2, let prompt = usage[0].intValue,
                let completion = usage[1].intValue
            {
                events.append(.usage(prompt: Int(prompt), completion: Int(completion)))
            } else if let piece = object["piece"].flatMap(storedPiece) {
                events.append(.piece(piece))
            } else if let details = object["usage_details"]?.objectValue {
                events.append(.usageDetails(details))
            } else if let fingerprint = object["fingerprint"]?.stringValue {
                events.append(.fingerprint(fingerprint))
            } else {
                return nil
            }
        }
        return events
    }

    private static func storedForm(_ piece: ChoicePiece) -> JSONValue {
        [
            "index": .int(Int64(piece.index)), "delta": .object(piece.delta), "logprobs": piece.logprobs ?? .null,
            "finish": piece.finishReason.map(JSONValue.string) ?? .null,
        ]
    }

    private static func storedPiece(_ value: JSONValue) -> ChoicePiece? {
        guard let index = value["index"]?.intValue.flatMap({ Int(exactly: $0) }), index >= 0,
            let delta = value["delta"]?.objectValue
        else { return nil }
        let logprobs = value["logprobs"].flatMap { $0.isNull ? nil : $0 }
        return ChoicePiece(
            index: index, delta: delta, logprobs: logprobs, finishReason: value["finish"]?.stringValue, weight: 0)
    }

    /// A reply that plays stored events back, as if a miner named `cache` sent them.
    static func replay(_ events: [UpstreamEvent]) -> UpstreamReply {
        UpstreamReply(minerID: "cache", events: .replaying(events))
    }
}
