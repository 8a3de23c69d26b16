import System

/// What to generate and when to stop.
public struct GenerationParameters: Sendable {
    public var sampling: SamplingParameters
    /// Most tokens to generate.
    public var maxTokens: Int
    /// Text at which generation stops; the stop text itself is not returned.
    public var stopSequences: [String]
    /// Only tokens this grammar allows are sampled, and generation stops when its value is whole.
    public var constraint: GrammarConstraint?
    /// When set, every token carries its log-probability and this many of the most likely alternatives.
    public var topLogprobs: Int?

    public init(
        sampling: SamplingParameters = SamplingParameters(), maxTokens: Int = 256, stopSequences: [String] = [],
        constraint: GrammarConstraint? = nil, topLogprobs: Int? = nil
    ) {
        self.sampling = sampling
        self.maxTokens = maxTokens
        self.stopSequences = stopSequences
        self.constraint = constraint
        self.topLogprobs = topLogprobs
    }
}

/// Why generation ended.
public enum FinishReason: String, Sendable, Equatable {
    /// An end-of-generation token or a stop sequence.
    case stop
    /// `maxTokens` were generated.
    case length
    /// The session's context is full.
    case contextFull = "context_full"
    /// The token callback asked to stop.
    case cancelled
}

/// One generated token as it streams: its id and the text it completes (possibly empty: part of a character, or
/// held back because it may begin a stop sequence).
public struct GeneratedToken: Sendable, Equatable {
    public var id: TokenID
    public var text: String
    /// The token's log-probability and the likeliest alternatives, when `topLogprobs` asked for them.
    public var logprobs: TokenLogprobs?
}

/// The outcome of a generation, with its timings.
public struct GenerationResult: Sendable {
    public var tokens: [TokenID]
    public var text: String
    public var finishReason: FinishReason
    public var promptTokenCount: Int
    public var promptDuration: Duration
    public var generationDuration: Duration

    /// Prompt tokens evaluated per second.
    public var promptTokensPerSecond: Double { Self.rate(promptTokenCount, promptDuration) }
    /// Tokens generated per second.
    public var generationTokensPerSecond: Double { Self.rate(tokens.count, generationDuration) }

    private static func rate(_ count: Int, _ duration: Duration) -> Double {
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
        return seconds > 0 ? Double(count) / seconds : 0
    }
}

/// Runs prompts through a model session and samples tokens until a stop, streaming each token's text.
public struct Generator {
    public let session: InferenceSession
    public let tokenizer: Tokenizer
    /// Tokens that end generation: EOS and the end-of-turn markers of the chat formats in the vocabulary.
    public let endOfGeneration: Set<TokenID>

    public init(session: InferenceSession, tokenizer: Tokenizer) {
        self.session = session
        self.tokenizer = tokenizer
        endOfGeneration = Self.endOfGenerationTokens(tokenizer.vocabulary)
    }

    /// Evaluates `prompt` after what the session holds, then generates. `onToken` sees every token as it comes
    /// and returns `false` to stop (the result then says `.cancelled`).
    public func generate(
        prompt: [TokenID], parameters: GenerationParameters, onToken: (GeneratedToken) -> Bool = { _ in true }
    ) throws(InferenceSession.Failure) -> GenerationResult {
        let clock = ContinuousClock()
        let promptStart = clock.now
        let logits = prompt.isEmpty ? [] : try session.evaluate(batch: prompt) ?? []
        var result = GenerationResult(
            tokens: [], text: "", finishReason: .length, promptTokenCount: prompt.count,
            promptDuration: clock.now - promptStart, generationDuration: .zero)
        guard !logits.isEmpty else { return result }
        let generationStart = clock.now
        try sample(from: logits, prompt: prompt, parameters: parameters, into: &result, onToken: onToken)
        result.generationDuration = clock.now - generationStart
        return result
    }

    /// The sampling loop: fills `result`'s tokens, text and finish reason.
    private func sample(
        from firstLogits: [Float], prompt: [TokenID], parameters: GenerationParameters,
        into result: inout GenerationResult,
        onToken: (GeneratedToken) -> Bool
    ) throws(InferenceSession.Failure) {
        var logits = firstLogits
        var sampler = Sampler(parameters.sampling)
        var history = prompt
        var decoder = UTF8StreamDecoder()
        var stops = StopSequenceMatcher(parameters.stopSequences)
        var grammar = JSONGrammarState()
        while result.tokens.count < parameters.maxTokens {
            guard let token = pick(from: logits, sampler: &sampler, history: history, grammar: grammar, parameters)
            else {
                result.finishReason = .stop
                break
            }
            if endOfGeneration.contains(token) {
                result.finishReason = .stop
                break
            }
            parameters.constraint?.advance(&grammar, by: token)
            result.tokens.append(token)
            history.append(token)
            let outcome = stops.feed(decoder.append(tokenizer.piece(for: token)))
            result.text += outcome.text
            let logprobs = parameters.topLogprobs.map { TokenLogprobs(of: token, in: logits, top: $0) }
            let keepGoing = onToken(GeneratedToken(id: token, text: outcome.text, logprobs: logprobs))
            if outcome.stopped || (parameters.constraint != nil && grammar.isFinished) {
                result.finishReason = .stop
                if outcome.stopped { return }
                break
            }
            guard keepGoing else {
                result.finishReason = .cancelled
                break
            }
            guard session.position < session.contextLength else {
                result.finishReason = .contextFull
                break
            }
            guard let next = try session.evaluate(token) else { break }
            logits = next
        }
        let rest = stops.feed(decoder.finish()).text + stops.flush()
        result.text += rest
        if !rest.isEmpty { _ = onToken(GeneratedToken(id: -1, text: rest)) }
    }

    /// The sampler's token, or when the grammar refuses it, a token drawn again from the logits of the tokens the
    /// grammar allows (llama.cpp's order: the common case costs one check, not a walk of the vocabulary); `nil`
    /// when the grammar allows nothing.
    private func pick(
        from logits: [Float], sampler: inout Sampler, history: [TokenID], grammar: JSONGrammarState,
        _ parameters: GenerationParameters
    ) -> TokenID? {
        let token = sampler.sample(logits, history: history)
        guard let constraint = parameters.constraint, !constraint.allows(token, after: grammar) else { return token }
        let allowed = constraint.allowedTokens(after: grammar)
        guard !allowed.isEmpty else { return nil }
        var masked = logits
        allowed.apply(to: &masked)
        let redrawn = sampler.sample(masked, history: history)
        return allowed.contains(redrawn) ? redrawn : Sampler.argmax(masked)
    }

    /// EOS, plus control tokens that end a turn in the chat formats (as llama.cpp's end-of-generation list).
    public static func endOfGenerationTokens(_ vocabulary: TokenVocabulary) -> Set<TokenID> {
        let markers: Set<String> = [
            "<|eot_id|>", "<|im_end|>", "<|end|>", "<end_of_turn>", "<|endoftext|>", "<|end_of_text|>", "</s>",
            "<|eom_id|>", "<EOT>", "<|EOT|>",
        ]
        var tokens = Set(vocabulary.endOfSequence.map { [$0] } ?? [])
        for marker in markers {
            if let id = vocabulary.id(ofText: marker), vocabulary.kinds[Int(id)] == .control { tokens.insert(id) }
        }
        return tokens
    }
}
