public import JSON

/// Why a miner's `data:` payload or JSON body cannot be turned into events.
public enum UpstreamDecodeError: Error, Sendable, Equatable {
    /// The payload is not valid JSON.
    case invalidJSON(JSONError)
    /// The payload is JSON but not an object.
    case notAnObject
    /// The payload is an OpenAI `error` object; its message, truncated to 200 characters.
    case minerError(String)
    /// A choice's member has the wrong shape (named in the message).
    case invalidChoice(String)
}

/// Normalizes OpenAI-compatible miner output (a streamed chunk or a whole non-stream reply) into events:
/// `choices[0].text`, `choices[0].delta.content` or `choices[0].message.content` → `.text` (empty text is
/// skipped), a non-null `choices[0].finish_reason` → `.finish`, tool calls, refusals, logprobs and other choices
/// → `.piece`, `usage.prompt_tokens`/`completion_tokens` → `.usage` (its other members → `.usageDetails`),
/// `system_fingerprint` → `.fingerprint`, and an `error` member → `UpstreamDecodeError.minerError`. Pure.
public enum UpstreamDecoder {
    /// Whether a `data:` payload is the end-of-stream marker `[DONE]`.
    public static func isDone(_ payload: String) -> Bool {
        payload.utf8.elementsEqual("[DONE]".utf8)
    }

    /// Events in one JSON payload (an SSE chunk's data or a whole non-stream reply body).
    public static func events(from payload: some Collection<UInt8>) throws(UpstreamDecodeError) -> [UpstreamEvent] {
        let value: JSONValue
        do {
            value = try JSONValue.parse(Array(payload), limits: JSONLimits(maxDepth: 64, maxBytes: 16 << 20))
        } catch {
            throw .invalidJSON(error)
        }
        guard case .object = value else { throw .notAnObject }
        if let error = value["error"], !error.isNull {
            let message = error["message"]?.stringValue ?? error.stringValue ?? "unspecified miner error"
            throw .minerError(String(message.prefix(200)))
        }
        var events: [UpstreamEvent] = []
        if let fingerprint = value["system_fingerprint"]?.stringValue, !fingerprint.isEmpty {
            events.append(.fingerprint(String(fingerprint.prefix(maxFingerprintBytes))))
        }
        if let choices = value["choices"]?.arrayValue {
            try appendChoices(choices, to: &events, weight: payload.count)
        }
        if let usage = value["usage"], let prompt = usage["prompt_tokens"]?.intValue.flatMap({ Int(exactly: $0) }),
            let completion = usage["completion_tokens"]?.intValue.flatMap({ Int(exactly: $0) })
        {
            events.append(.usage(prompt: prompt, completion: completion))
            if let details = usageDetails(usage) { events.append(.usageDetails(details)) }
        }
        return events
    }

    /// Events in one SSE `data:` payload string.
    public static func events(fromChunk payload: String) throws(UpstreamDecodeError) -> [UpstreamEvent] {
        try events(from: payload.utf8)
    }
}
