import JSON
public import Upstream

/// What a miner produced for one request, accumulated from its events.
public struct CompletionOutcome: Sendable, Equatable {
    /// The generated text.
    public var text = ""
    /// Why generation stopped (`stop`, `length`, ...); `stop` when the miner did not say.
    public var finishReason: String?
    /// Prompt tokens, when the miner reported usage.
    public var promptTokens = 0
    /// Completion tokens: the miner's count, or the number of text deltas when it reported none.
    public var completionTokens = 0
    /// Text deltas seen, a token estimate for miners that report no usage.
    public var deltas = 0
    /// The text deltas in order, when recording them was asked for (the completion cache replays them).
    public var chunks: [String]?
    private var reportedUsage = false

    /// Creates an empty outcome; `recordingChunks` keeps each text delta as well.
    public init(recordingChunks: Bool = false) {
        chunks = recordingChunks ? [] : nil
    }

    /// The events that reproduce this outcome: the deltas, the finish reason, the usage the miner reported.
    var replayEvents: [UpstreamEvent] {
        var events = (chunks ?? [text]).map(UpstreamEvent.text)
        if let finishReason { events.append(.finish(reason: finishReason)) }
        if reportedUsage { events.append(.usage(prompt: promptTokens, completion: completionTokens)) }
        return events
    }

    /// Folds one upstream event in.
    public mutating func apply(_ event: UpstreamEvent) {
        switch event {
        case .text(let delta):
            text += delta
            deltas += 1
            chunks?.append(delta)
            if !reportedUsage { completionTokens = deltas }
        case .finish(let reason):
            finishReason = reason
        case .usage(let prompt, let completion):
            reportedUsage = true
            promptTokens = prompt
            completionTokens = completion
        }
    }

    /// The usage object of OpenAI responses.
    var usageJSON: JSONValue {
        [
            "prompt_tokens": .int(Int64(promptTokens)), "completion_tokens": .int(Int64(completionTokens)),
            "total_tokens": .int(Int64(promptTokens + completionTokens)),
        ]
    }
}
