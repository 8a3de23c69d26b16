import Cache
import JSON

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

    /// The request as stored and keyed: session, model, prompt or messages, sampling and length options, seed.
    /// Fields in a fixed order; unset options are null, so "unset" and "set" never collide.
    static func canonicalForm(_ request: CompletionRequest, sessionID: Int, model: String?) -> JSONValue {
        func number(_ value: Double?) -> JSONValue { value.map(JSONValue.double) ?? .null }
        func integer(_ value: Int?) -> JSONValue { value.map { .int(Int64($0)) } ?? .null }
        let input: JSONValue =
            switch request.input {
            case .prompt(let prompt): ["prompt": .string(prompt)]
            case .messages(let messages):
                ["messages": .array(messages.map { [.string($0.role), .string($0.content)] })]
            }
        var key: JSONObject = [
            "v": 1, "session": .int(Int64(sessionID)), "model": model.map(JSONValue.string) ?? .null, "input": input,
            "max_tokens": integer(request.maxTokens), "temperature": number(request.temperature),
            "top_p": number(request.topP), "top_k": integer(request.topK),
            "presence_penalty": number(request.presencePenalty), "frequency_penalty": number(request.frequencyPenalty),
            "seed": integer(request.seed), "stop": .array(request.stop.map(JSONValue.string)),
        ]
        if let format = request.responseFormat { key["response_format"] = format }
        return .object(key)
    }

    /// The stored form of a finished answer.
    static func encode(_ events: [UpstreamEvent]) -> [UInt8] {
        let items: [JSONValue] = events.map { event in
            switch event {
            case .text(let text): ["text": .string(text)]
            case .finish(let reason): ["finish": .string(reason)]
            case .usage(let prompt, let completion): ["usage": [.int(Int64(prompt)), .int(Int64(completion))]]
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
            } else {
                return nil
            }
        }
        return events
    }

    /// A reply that plays stored events back, as if a miner named `cache` sent them.
    static func replay(_ events: [UpstreamEvent]) -> UpstreamReply {
        let channel = UpstreamEventChannel(limit: events.count + 1)
        for event in events { _ = channel.yield(event) }
        channel.finish()
        return UpstreamReply(minerID: "cache", events: UpstreamEventStream(channel))
    }
}
