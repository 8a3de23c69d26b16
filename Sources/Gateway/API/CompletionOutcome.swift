import JSON
public import Upstream

/// What a miner produced for one request, accumulated from its events.
public struct CompletionOutcome: Sendable, Equatable {
    /// The generated text (choice 0).
    public var text = ""
    /// Why generation stopped (`stop`, `length`, ...); `stop` when the miner did not say.
    public var finishReason: String?
    /// Prompt tokens, when the miner reported usage.
    public var promptTokens = 0
    /// Completion tokens: the miner's count, or the number of text deltas when it reported none.
    public var completionTokens = 0
    /// Text deltas seen, a token estimate for miners that report no usage.
    public var deltas = 0
    /// The events in order, when recording them was asked for (the completion cache replays them).
    public var recorded: [UpstreamEvent]?
    /// The miner's `system_fingerprint`, once it sent one.
    public var systemFingerprint: String?
    /// Choices' tool calls, refusals, logprobs, and choices past 0, by choice index (empty for plain text).
    var choices: [ChoiceAccumulator] = []
    /// Events that carried part of choice 0 (text or pieces); the first streamed one carries the chat role.
    private(set) var choiceZeroDeltas = 0
    private var usageDetails: JSONObject?
    private var reportedUsage = false

    /// Creates an empty outcome; `recordingChunks` keeps each event as well.
    public init(recordingChunks: Bool = false) {
        recorded = recordingChunks ? [] : nil
    }

    /// The events that reproduce this outcome: the recorded ones, or the text, finish reason and usage.
    var replayEvents: [UpstreamEvent] {
        if let recorded { return recorded }
        var events: [UpstreamEvent] = [.text(text)]
        if let finishReason { events.append(.finish(reason: finishReason)) }
        if reportedUsage { events.append(.usage(prompt: promptTokens, completion: completionTokens)) }
        return events
    }

    /// The number of choices answered (1 unless the miner sent more).
    var choiceCount: Int { max(1, choices.count) }

    /// Folds one upstream event in.
    public mutating func apply(_ event: UpstreamEvent) {
        recorded?.append(event)
        switch event {
        case .text(let delta):
            text += delta
            deltas += 1
            choiceZeroDeltas += 1
            if !reportedUsage { completionTokens = deltas }
        case .finish(let reason):
            finishReason = reason
        case .usage(let prompt, let completion):
            reportedUsage = true
            promptTokens = prompt
            completionTokens = completion
        case .piece(let piece):
            apply(piece)
        case .usageDetails(let details):
            usageDetails = details
        case .fingerprint(let fingerprint):
            systemFingerprint = fingerprint
        }
    }

    private mutating func apply(_ piece: ChoicePiece) {
        while choices.count <= piece.index { choices.append(ChoiceAccumulator()) }
        choices[piece.index].apply(piece, isChoiceZero: piece.index == 0)
        if piece.index == 0 { choiceZeroDeltas += 1 }
        if piece.index == 0, let delta = piece.delta["content"]?.stringValue ?? piece.delta["text"]?.stringValue {
            text += delta
            deltas += 1
            if !reportedUsage { completionTokens = deltas }
        }
    }

    /// Whether the event just applied was the first of choice `index`, so a streamed chat delta carries the role.
    func startedChoice(_ index: Int) -> Bool {
        index == 0 ? choiceZeroDeltas == 1 : index < choices.count && choices[index].pieces == 1
    }

    /// What the task record keeps: the text, or, when the answer is more than choice 0's text (tool calls,
    /// several choices, logprobs, a refusal), the JSON of its OpenAI `choices`.
    var recordText: String {
        guard !choices.isEmpty else { return text }
        let renderer = CompletionRenderer(kind: .chatCompletion, id: "", created: 0, model: "", extraFields: [:])
        let bytes = renderer.fullBody(self)["choices"]?.serializedBytes ?? []
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The usage object of OpenAI responses, with the miner's details when it sent them.
    var usageJSON: JSONValue {
        var usage: JSONObject = [
            "prompt_tokens": .int(Int64(promptTokens)), "completion_tokens": .int(Int64(completionTokens)),
            "total_tokens": .int(Int64(promptTokens + completionTokens)),
        ]
        for (key, value) in usageDetails ?? [:] { usage[key] = value }
        return .object(usage)
    }
}
