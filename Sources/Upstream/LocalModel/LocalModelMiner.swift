import Dispatch
import Inference
import JSON
import Synchronization
import System

/// The fallback model as a miner. It speaks, in process, the OpenAI HTTP the pool speaks to remote miners
/// (`GET /v1/models`, `POST /v1/chat/completions`, `POST /v1/completions`, always answered as SSE), so retries,
/// timeouts, cancellation, metrics and task records treat it like any miner.
///
/// One generation runs at a time, on a serial queue of its own (never on the cooperative pool); up to
/// `queueLimit` more wait, shared fairly between API keys (`FairQueue`: turns go round-robin by key, and one key
/// holds at most `perKeyLimit` places), and beyond that requests get a 429. A consumer that goes away stops its
/// generation at the next token, or before it starts.
public final class LocalModelMiner: MinerTransport {
    /// URLs of the form `local://NAME` reach this miner.
    public static let scheme = "local://"

    public let model: LocalModel
    private let threads: ThreadPool
    private let contextLength: Int
    private let maxTokens: Int
    private let queueLimit: Int
    private let queue = DispatchQueue(label: "cortensor-edge.local-model")
    /// Work accepted and not finished, by caller: the running job plus the waiting ones.
    private let line: Mutex<FairQueue<Job>>
    private let nextID = Atomic<Int>(1)
    private let constraints: LocalGrammarConstraints

    /// One generation or embedding, run on `queue` in its turn.
    typealias Job = @Sendable () -> Void

    /// A miner for `model` computing on `threads` threads; a generation holds at most `contextLength` tokens and
    /// writes at most `maxTokens`. One API key may have `perKeyLimit` requests running or waiting.
    public init(
        model: LocalModel, threads: Int, contextLength: Int, maxTokens: Int, queueLimit: Int, perKeyLimit: Int
    ) {
        self.model = model
        self.threads = ThreadPool(threadCount: threads)
        self.contextLength = min(contextLength, model.model.configuration.contextLength)
        self.maxTokens = maxTokens
        self.queueLimit = queueLimit
        line = Mutex(FairQueue(capacity: queueLimit + 1, perCallerLimit: perKeyLimit))
        constraints = LocalGrammarConstraints(tokenizer: model.tokenizer)
    }

    /// The pool's entry for this miner.
    public var minerConfig: MinerConfig {
        MinerConfig(id: "local", url: Self.scheme + model.name, models: [model.name], isFallback: true)
    }

    public func open(_ request: MinerHTTPRequest) async throws -> MinerHTTPStream {
        let path = String(request.url.dropFirst(Self.scheme.count).drop { $0 != "/" })
        switch (request.method, path) {
        case ("GET", "/v1/models"):
            let entry: JSONValue = ["id": .string(model.name), "object": "model", "owned_by": "cortensor-edge"]
            return Self.json(200, ["object": "list", "data": [entry]])
        case ("POST", "/v1/chat/completions"), ("POST", "/v1/completions"):
            return generate(path: path, body: request.body, caller: request.caller ?? "")
        default:
            return Self.error(404, "no route \(request.method) \(path) on the local model")
        }
    }

    private func generate(path: String, body: [UInt8], caller: String) -> MinerHTTPStream {
        let request: LocalModelRequest
        do {
            request = try LocalModelRequest(path: path, body: body, model: model, maxTokens: maxTokens)
        } catch {
            return Self.refusal(error.message)
        }
        guard request.prompt.count < contextLength else {
            return Self.refusal(
                "the prompt is \(request.prompt.count) tokens; the local model's context is \(contextLength)")
        }
        let (stream, continuation) = AsyncThrowingStream<[UInt8], any Error>.makeStream()
        let stop = StopFlag()
        continuation.onTermination = { _ in stop.raise() }
        let chunks = LocalReplyChunks(
            kind: request.kind, id: "local-\(nextID.add(1, ordering: .relaxed).oldValue)", model: model.name,
            created: WallClock.unixSeconds())
        do {
            try enqueue(caller: caller) { [self] in
                guard !stop.isRaised else { return continuation.finish() }
                run(request, chunks: chunks, stop: stop, continuation: continuation)
            }
        } catch {
            continuation.finish()
            switch error {
            case .full: return Self.error(429, "the local model is busy (\(queueLimit) requests waiting)")
            case .callerFull(let limit):
                return Self.error(429, "the local model already holds \(limit) requests of this API key")
            }
        }
        return MinerHTTPStream(status: 200, headers: [("Content-Type", "text/event-stream")], body: stream)
    }

    /// Runs `job` in `caller`'s turn: now on `queue` when nothing runs, else when `FairQueue` hands it out after
    /// the running job; each job gives back its place when it returns. Throws when `caller` gets no place.
    private func enqueue(caller: String, _ job: @escaping Job) throws(FairQueue<Job>.Refusal) {
        let admission = try line.withLock { line throws(FairQueue<Job>.Refusal) in try line.admit(job, caller: caller) }
        guard case .runNow(let first) = admission else { return }
        queue.async { [self] in
            var next: Job? = first
            while let current = next {
                current()
                next = line.withLock { $0.finishRunning() }
            }
        }
    }

    /// Generates on the serial queue, yielding SSE chunks as tokens come: each of the `n` choices in turn.
    private func run(
        _ request: LocalModelRequest, chunks: LocalReplyChunks, stop: StopFlag,
        continuation: AsyncThrowingStream<[UInt8], any Error>.Continuation
    ) {
        var parameters = request.parameters
        parameters.constraint = request.grammar.map(constraints.constraint(for:))
        parameters.topLogprobs = request.topLogprobs
        var completionTokens = 0
        do {
            for choice in 0..<request.choices where !stop.isRaised {
                if let seed = request.parameters.sampling.seed { parameters.sampling.seed = seed &+ UInt64(choice) }
                completionTokens += try generate(
                    request, parameters, choice: choice, chunks: chunks, stop: stop, continuation: continuation)
            }
            continuation.yield(chunks.usage(prompt: request.prompt.count, completion: completionTokens))
            continuation.yield(LocalReplyChunks.done)
        } catch {
            continuation.yield(chunks.error("the local model failed: \(error)"))
        }
        continuation.finish()
    }

    /// One choice: its tokens as chunks, then its finish reason; returns the number of tokens generated.
    private func generate(
        _ request: LocalModelRequest, _ parameters: GenerationParameters, choice: Int, chunks: LocalReplyChunks,
        stop: StopFlag, continuation: AsyncThrowingStream<[UInt8], any Error>.Continuation
    ) throws(InferenceSession.Failure) -> Int {
        // The cache holds only what this request can use: the prompt and its longest answer.
        let capacity = min(contextLength, request.prompt.count + parameters.maxTokens + 1)
        let session = InferenceSession(model: model.model, contextLength: capacity, pool: threads)
        let result = try Generator(session: session, tokenizer: model.tokenizer).generate(
            prompt: request.prompt, parameters: parameters
        ) { token in
            if !token.text.isEmpty || token.logprobs != nil {
                let logprobs = token.logprobs.map { LocalLogprobs(token.id, $0, tokenizer: model.tokenizer) }
                continuation.yield(chunks.text(token.text, choice: choice, logprobs: logprobs))
            }
            return !stop.isRaised
        }
        let reason = result.finishReason == .length || result.finishReason == .contextFull ? "length" : "stop"
        continuation.yield(chunks.finish(reason, choice: choice))
        return result.tokens.count
    }

    /// Why `embeddings` could not answer.
    public enum EmbeddingFailure: Error, Sendable, Equatable {
        /// A generation and `queueLimit` requests are already waiting, or the caller's key holds all its places.
        case busy
        /// An input does not fit the context (its index and token count).
        case tooLong(index: Int, tokens: Int, contextLength: Int)
    }

    /// Mean-pooled, unit-length sentence embeddings of `texts`, computed in `caller`'s turn in the generation
    /// queue (`caller`: the API key's identity); with the number of tokens read.
    public func embeddings(
        of texts: [String], caller: String?
    ) async throws(EmbeddingFailure) -> (vectors: [[Float]], tokens: Int) {
        let inputs = texts.map { model.tokenizer.encode($0) }
        if let (index, tokens) = inputs.enumerated().first(where: { $0.element.count > contextLength }) {
            throw .tooLong(index: index, tokens: tokens.count, contextLength: contextLength)
        }
        let vectors = await withCheckedContinuation { (continuation: CheckedContinuation<[[Float]]?, Never>) in
            do {
                try enqueue(caller: caller ?? "") { [self] in continuation.resume(returning: inputs.map(embedding)) }
            } catch {
                continuation.resume(returning: nil)
            }
        }
        guard let vectors else { throw .busy }
        return (vectors, inputs.reduce(0) { $0 + $1.count })
    }

    /// The embedding of one tokenized input (which fits the context: checked by the caller).
    private func embedding(_ tokens: [TokenID]) -> [Float] {
        let session = InferenceSession(model: model.model, contextLength: max(1, tokens.count), pool: threads)
        return (try? session.embedding(of: tokens)) ?? []
    }

    private static func json(_ status: Int, _ value: JSONValue) -> MinerHTTPStream {
        MinerHTTPStream(
            status: status, headers: [("Content-Type", "application/json")],
            body: AsyncThrowingStream { continuation in
                continuation.yield(Array(value.serialized().utf8))
                continuation.finish()
            })
    }

    /// A request the model cannot take, as an SSE error event: the pool passes its message on to the caller
    /// (a non-2xx status would reach the caller as the status alone).
    private static func refusal(_ message: String) -> MinerHTTPStream {
        MinerHTTPStream(
            status: 200, headers: [("Content-Type", "text/event-stream")],
            body: AsyncThrowingStream { continuation in
                continuation.yield(Array("data: \(errorBody(message).serialized())\n\n".utf8))
                continuation.finish()
            })
    }

    private static func errorBody(_ message: String) -> JSONValue {
        ["error": ["message": .string(message), "type": "local_model_error"]]
    }

    private static func error(_ status: Int, _ message: String) -> MinerHTTPStream {
        json(status, errorBody(message))
    }
}

/// Set once when the reply's consumer goes away.
private final class StopFlag: Sendable {
    private let raised = Atomic<Bool>(false)
    var isRaised: Bool { raised.load(ordering: .acquiring) }
    func raise() { raised.store(true, ordering: .releasing) }
}

/// The SSE chunks of one reply, in the OpenAI shape of the endpoint that asked.
private struct LocalReplyChunks: Sendable {
    let kind: LocalModelRequest.Kind
    let id: String
    let model: String
    let created: Int64

    static let done = Array("data: [DONE]\n\n".utf8)

    func text(_ text: String, choice: Int, logprobs: LocalLogprobs?) -> [UInt8] {
        var object: JSONObject
        switch kind {
        case .chat: object = ["index": .int(Int64(choice)), "delta": ["content": .string(text)], "finish_reason": nil]
        case .completion: object = ["index": .int(Int64(choice)), "text": .string(text), "finish_reason": nil]
        }
        if let logprobs { object["logprobs"] = kind == .chat ? logprobs.chatJSON : logprobs.completionJSON }
        return chunk(choice: .object(object))
    }

    func finish(_ reason: String, choice: Int) -> [UInt8] {
        switch kind {
        case .chat: chunk(choice: ["index": .int(Int64(choice)), "delta": [:], "finish_reason": .string(reason)])
        case .completion: chunk(choice: ["index": .int(Int64(choice)), "text": "", "finish_reason": .string(reason)])
        }
    }

    func usage(prompt: Int, completion: Int) -> [UInt8] {
        var object = header
        object["choices"] = []
        object["usage"] = [
            "prompt_tokens": .int(Int64(prompt)), "completion_tokens": .int(Int64(completion)),
            "total_tokens": .int(Int64(prompt + completion)),
        ]
        return Self.event(.object(object))
    }

    func error(_ message: String) -> [UInt8] {
        Self.event(["error": ["message": .string(message), "type": "local_model_error"]])
    }

    private var header: JSONObject {
        [
            "id": .string(id), "object": kind == .chat ? "chat.completion.chunk" : "text_completion",
            "created": .int(created), "model": .string(model),
        ]
    }

    private func chunk(choice: JSONValue) -> [UInt8] {
        var object = header
        object["choices"] = [choice]
        return Self.event(.object(object))
    }

    private static func event(_ value: JSONValue) -> [UInt8] {
        Array("data: \(value.serialized())\n\n".utf8)
    }
}
