public import Cache
public import HTTPServer
public import JSON
public import Log
import System
public import Upstream

/// Runs completions end to end: session, task record, miner pool, and the answer in the caller's API shape.
public final class CompletionService: Sendable {
    /// Which API the request came in on.
    public enum API: Sendable, Equatable {
        /// Cortensor `POST /api/v1/completions`.
        case cortensor
        /// OpenAI `POST /v1/chat/completions`.
        case openAIChat
        /// OpenAI `POST /v1/completions`.
        case openAICompletion
        /// OpenAI `POST /v1/responses`, translated to a chat completion; the fields echoed in its answer.
        case openAIResponses(echo: JSONObject)

        var flavor: APIFlavor { self == .cortensor ? .cortensor : .openAI }
    }

    let pool: MinerPool
    let tasks: TaskWriter
    let sessions: [Int: SessionConfig]
    let logger: Logger
    let caching: CompletionCaching?
    let metrics: Metrics?

    /// Creates the service over its collaborators; `cache` (with its policy) answers repeated requests.
    public init(
        pool: MinerPool, tasks: TaskWriter, sessions: [SessionConfig], logger: Logger,
        cache: CompletionCache? = nil, cachePolicy: EdgeConfig.CachePolicy = .off, metrics: Metrics? = nil
    ) {
        self.pool = pool
        self.tasks = tasks
        self.sessions = Dictionary(sessions.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        self.logger = logger
        self.caching = cache.map { CompletionCaching(cache: $0, policy: cachePolicy) }
        self.metrics = metrics
    }

    /// Answers one parsed completion request for `caller` (the API key's identity, `Request.caller`);
    /// `bypassCache` (the caller sent `Cache-Control: no-cache`) skips the completion cache.
    public func respond(
        to request: CompletionRequest, api: API, requestID: String, caller: String? = nil, bypassCache: Bool = false
    ) async -> Response {
        do {
            return try await run(request, api: api, requestID: requestID, caller: caller, bypassCache: bypassCache)
        } catch {
            return error.response(for: api.flavor)
        }
    }

    private func run(
        _ request: CompletionRequest, api: API, requestID: String, caller: String?, bypassCache: Bool
    ) async throws(APIError) -> Response {
        let sessionID = request.sessionID ?? 0
        guard let session = sessions[sessionID] else { throw APIError.notFound("session \(sessionID)") }
        let model = request.model ?? (session.model.isEmpty ? nil : session.model)
        // Stored with the task, and its digest is the completion cache's key: one serialization, one hash.
        let requestBlock = TaskWriter.rawBlock(
            CompletionCaching.canonicalForm(request, sessionID: sessionID, model: model))
        let cacheKey =
            request.useCache && !bypassCache ? caching?.key(for: request, requestBlock: requestBlock) : nil
        if let cacheKey, let caching, let stored = caching.cache.lookup(cacheKey),
            let events = CompletionCaching.decode(stored)
        {
            metrics?.recordCacheLookup(hit: true)
            return try await answer(
                request, api: api, requestID: requestID, sessionID: sessionID, model: model,
                requestBlock: requestBlock, reply: CompletionCaching.replay(events), session: nil, cached: events,
                cacheStore: nil)
        }
        if cacheKey != nil { metrics?.recordCacheLookup(hit: false) }
        let cacheStore: (@Sendable ([UpstreamEvent]) -> Void)? =
            if let cacheKey, let caching, caching.cache.admit(cacheKey) {
                { [logger] events in
                    do { try caching.cache.store(cacheKey, value: CompletionCaching.encode(events)) } catch {
                        logger.warning("completion cache store failed", metadata: ["error": "\(error)"])
                    }
                }
            } else { nil }
        let timeout = request.timeout ?? .seconds(session.timeoutSeconds)
        let deadline = ContinuousClock.now.advanced(by: timeout)
        let upstreamBody = request.upstreamBody(model: model)
        try await checkLocalCapabilities(request, session: session, upstreamBody: upstreamBody)
        let upstream = UpstreamRequest(
            endpoint: request.input.isChat ? .chatCompletions : .completions,
            body: upstreamBody.serializedBytes, stream: true, model: model,
            maxTokens: request.maxTokens.map { $0 * request.choiceCount }, caller: caller)
        let reply: UpstreamReply
        do {
            reply = try await pool.send(
                upstream, miners: session.miners.isEmpty ? nil : session.miners, deadline: deadline)
        } catch {
            // Recorded anyway, so a client polling its tasks sees why this one failed.
            if let task = try? await recordTask(request, sessionID: sessionID, miners: [], requestBlock: requestBlock) {
                try? await tasks.fail(
                    sessionID: sessionID, taskID: task.taskID, reason: error.shortDescription,
                    now: WallClock.unixSeconds())
            }
            logger.warning(
                "completion failed before the first token",
                metadata: ["request_id": "\(requestID)", "error": "\(error.shortDescription)"])
            throw error.apiError
        }
        return try await answer(
            request, api: api, requestID: requestID, sessionID: sessionID, model: model, requestBlock: requestBlock,
            reply: reply, session: (session, upstream, deadline), cached: nil, cacheStore: cacheStore)
    }

    /// Records the task and answers from `reply`: a miner's, or the cache's replay of `cached` (the task is then
    /// written done at once, and no replica runs).
    private func answer(
        _ request: CompletionRequest, api: API, requestID: String, sessionID: Int, model: String?,
        requestBlock: TaskWriter.Block, reply: UpstreamReply,
        session: (SessionConfig, UpstreamRequest, ContinuousClock.Instant)?,
        cached: [UpstreamEvent]?, cacheStore: (@Sendable ([UpstreamEvent]) -> Void)?
    ) async throws(APIError) -> Response {
        if cached == nil, !request.stream, (session?.0.redundancy ?? 1) <= 1 {
            return try await answerWrittenOnce(
                request, api: api, requestID: requestID, sessionID: sessionID, model: model,
                requestBlock: requestBlock, reply: reply, cacheStore: cacheStore)
        }
        let task: TaskRecord
        let recorder: TaskRecorder?
        if let cached {
            task = try await recordCachedTask(request, sessionID: sessionID, events: cached, requestBlock: requestBlock)
            recorder = nil
        } else {
            task = try await recordTask(
                request, sessionID: sessionID, miners: [reply.minerID], requestBlock: requestBlock)
            recorder = TaskRecorder(
                tasks: tasks, sessionID: sessionID, taskID: task.taskID, primary: reply.minerID,
                expectsReplicas: (session?.0.redundancy ?? 1) > 1)
        }
        if let (session, upstream, deadline) = session, let recorder {
            startReplicas(
                session.redundancy - 1, of: upstream, session: session, primary: reply.minerID, deadline: deadline,
                recorder: recorder)
        }
        let renderer = Self.renderer(
            for: request, api: api, requestID: requestID, model: model ?? reply.minerModel ?? "unknown",
            sessionID: sessionID,
            taskID: task.taskID)
        let finisher = TaskFinisher(recorder: recorder, minerID: reply.minerID, cacheStore: cacheStore)
        var response: Response
        if request.stream {
            response = streamingResponse(
                reply, renderer: renderer, includeUsage: request.includeUsage, finisher: finisher, flavor: api.flavor)
        } else {
            response = try await bufferedResponse(reply, renderer: renderer, finisher: finisher, flavor: api.flavor)
        }
        Self.addHeaders(
            to: &response, api: api, minerID: reply.minerID, cached: cached != nil, sessionID: sessionID,
            taskID: task.taskID)
        return response
    }

    /// A buffered answer from a miner with no replicas to wait for: the task is written once, done, when the reply
    /// has ended (one transaction instead of two; it is not listed while the miner works). A reply that fails
    /// mid-way is recorded failed, as on the other paths.
    private func answerWrittenOnce(
        _ request: CompletionRequest, api: API, requestID: String, sessionID: Int, model: String?,
        requestBlock: TaskWriter.Block, reply: UpstreamReply, cacheStore: (@Sendable ([UpstreamEvent]) -> Void)?
    ) async throws(APIError) -> Response {
        let createdAt = WallClock.unixSeconds()
        var outcome = CompletionOutcome(recordingChunks: cacheStore != nil)
        do {
            for try await event in reply.events { outcome.apply(event) }
            // A cancelled consumer sees the reply end early: that is a client gone, not a complete answer.
            try Task.checkCancellation()
        } catch {
            let reason = UpstreamError(relayed: error)?.shortDescription ?? "upstream stream failed"
            if let task = try? await recordTask(
                request, sessionID: sessionID, miners: [reply.minerID], requestBlock: requestBlock)
            {
                try? await tasks.fail(
                    sessionID: sessionID, taskID: task.taskID, reason: "\(reply.minerID): \(reason)",
                    now: WallClock.unixSeconds())
            }
            throw UpstreamError(relayed: error)?.apiError
                ?? APIError(status: 502, code: "upstream_failed", message: "the miner failed mid-response")
        }
        let task: TaskRecord
        do {
            task = try await tasks.createCompletedTask(
                sessionID: sessionID, miner: reply.minerID,
                promptHash: TaskStore.promptHash(of: request.promptText.utf8),
                clientReference: request.clientReference, now: WallClock.unixSeconds(), resultData: outcome.recordText,
                request: requestBlock,
                result: TaskWriter.rawBlock(
                    TaskRecorder.resultBlock(miners: [reply.minerID], texts: [outcome.recordText])),
                createdAt: createdAt)
        } catch {
            logger.error("task store failed", metadata: ["error": "\(error)"])
            throw APIError.storageFailure(error, what: "the task")
        }
        cacheStore?(outcome.replayEvents)
        let renderer = Self.renderer(
            for: request, api: api, requestID: requestID, model: model ?? reply.minerModel ?? "unknown",
            sessionID: sessionID,
            taskID: task.taskID)
        var response = Response.json(200, renderer.fullBody(outcome))
        Self.addHeaders(
            to: &response, api: api, minerID: reply.minerID, cached: false, sessionID: sessionID, taskID: task.taskID)
        return response
    }

    /// The renderer of an answer in the caller's API shape (a Cortensor answer names its task).
    private static func renderer(
        for request: CompletionRequest, api: API, requestID: String, model: String, sessionID: Int, taskID: Int
    ) -> any CompletionRendering {
        if case .openAIResponses(let echo) = api {
            return ResponsesRenderer(
                id: "resp_" + requestID, created: Int(WallClock.unixSeconds()), model: model, echo: echo)
        }
        return CompletionRenderer(
            kind: request.input.isChat && api != .cortensor ? .chatCompletion : .textCompletion,
            id: (api == .openAIChat ? "chatcmpl-" : "cmpl-") + requestID, created: Int(WallClock.unixSeconds()),
            model: model,
            extraFields: api == .cortensor
                ? ["task_id": .int(Int64(taskID)), "session_id": .int(Int64(sessionID))] : [:])
    }

    /// The headers every completion answer carries.
    private static func addHeaders(
        to response: inout Response, api: API, minerID: String, cached: Bool, sessionID: Int, taskID: Int
    ) {
        response.headers.add(name: "X-Cortensor-Miner", value: minerID)
        response.headers.add(name: "X-Cache", value: cached ? "HIT" : "MISS")
        if api == .cortensor { response.headers.add(name: "X-Cortensor-Task", value: "\(sessionID)/\(taskID)") }
    }

    private func bufferedResponse(
        _ reply: UpstreamReply, renderer: any CompletionRendering, finisher: TaskFinisher, flavor: APIFlavor
    ) async throws(APIError) -> Response {
        var outcome = finisher.newOutcome()
        do {
            for try await event in reply.events { outcome.apply(event) }
            try Task.checkCancellation()
        } catch {
            await finisher.fail(error)
            throw UpstreamError(relayed: error)?.apiError
                ?? APIError(status: 502, code: "upstream_failed", message: "the miner failed mid-response")
        }
        await finisher.complete(outcome)
        return Response.json(200, renderer.fullBody(outcome))
    }

    /// A stream that relays the reply's text; a failure ends it with one error event in the route's error shape,
    /// and never `[DONE]` after it (clients take `[DONE]` as success and would accept truncated text).
    private func streamingResponse(
        _ reply: UpstreamReply, renderer: any CompletionRendering, includeUsage: Bool, finisher: TaskFinisher,
        flavor: APIFlavor
    ) -> Response {
        var response = Response(
            status: 200, headers: HTTPHeaders(),
            body: .stream({ writer in
                var outcome = finisher.newOutcome()
                do {
                    if let opening = renderer.streamOpening() { try await writer.write(opening) }
                    for try await event in reply.events {
                        outcome.apply(event)
                        if let frames = renderer.streamFrames(for: event, outcome: outcome) {
                            try await writer.write(frames)
                        }
                    }
                    try Task.checkCancellation()
                } catch {
                    await finisher.fail(error)
                    let apiError =
                        UpstreamError(relayed: error)?.apiError
                        ?? APIError(status: 502, code: "upstream_failed", message: "the miner failed mid-stream")
                    try? await writer.write(renderer.streamFailure(apiError, flavor: flavor))
                    return
                }
                await finisher.complete(outcome)
                try await writer.write(renderer.streamClosing(outcome, includeUsage: includeUsage))
            }))
        response.headers.add(name: "Content-Type", value: "text/event-stream")
        response.headers.add(name: "Cache-Control", value: "no-cache")
        response.headers.add(name: "X-Accel-Buffering", value: "no")
        return response
    }

    /// Sends the task to `count` more distinct miners of the session in the background and records their
    /// answers; the caller's response never waits for them.
    private func startReplicas(
        _ count: Int, of upstream: UpstreamRequest, session: SessionConfig, primary: String,
        deadline: ContinuousClock.Instant, recorder: TaskRecorder
    ) {
        // Without replicas the recorder was made not to expect any.
        guard count > 0 else { return }
        Task { [pool, logger] in
            let candidates = session.miners.isEmpty ? await pool.snapshot().map(\.id) : session.miners
            var used = [primary]
            await withTaskGroup(of: Void.self) { group in
                for _ in 0..<count {
                    let allowed = candidates.filter { !used.contains($0) }
                    guard !allowed.isEmpty,
                        let reply = try? await pool.send(upstream, miners: allowed, deadline: deadline)
                    else { break }
                    used.append(reply.minerID)
                    await recorder.assign(reply.minerID)
                    group.addTask {
                        var outcome = CompletionOutcome()
                        do {
                            for try await event in reply.events { outcome.apply(event) }
                            await recorder.finished(reply.minerID, text: outcome.recordText)
                        } catch {
                            logger.debug("replica failed", metadata: ["miner": "\(reply.minerID)"])
                            await recorder.failed(reply.minerID, reason: String(describing: error))
                        }
                    }
                }
                await recorder.closeReplicas()
            }
        }
    }

    /// A cache hit's task, done at once with the cached text, in one write.
    private func recordCachedTask(
        _ request: CompletionRequest, sessionID: Int, events: [UpstreamEvent], requestBlock: TaskWriter.Block
    ) async throws(APIError) -> TaskRecord {
        var outcome = CompletionOutcome()
        for event in events { outcome.apply(event) }
        do {
            return try await tasks.createCompletedTask(
                sessionID: sessionID, miner: "cache", promptHash: TaskStore.promptHash(of: request.promptText.utf8),
                clientReference: request.clientReference, now: WallClock.unixSeconds(), resultData: outcome.recordText,
                request: requestBlock,
                result: TaskWriter.rawBlock(TaskRecorder.resultBlock(miners: ["cache"], texts: [outcome.recordText])))
        } catch {
            logger.error("task store failed", metadata: ["error": "\(error)"])
            throw APIError.storageFailure(error, what: "the task")
        }
    }

    private func recordTask(
        _ request: CompletionRequest, sessionID: Int, miners: [String], requestBlock: TaskWriter.Block
    ) async throws(APIError) -> TaskRecord {
        do {
            return try await tasks.createTask(
                sessionID: sessionID, assignedMiners: miners,
                promptHash: TaskStore.promptHash(of: request.promptText.utf8),
                clientReference: request.clientReference, now: WallClock.unixSeconds(),
                request: requestBlock)
        } catch {
            logger.error("task store failed", metadata: ["error": "\(error)"])
            throw APIError.storageFailure(error, what: "the task")
        }
    }
}

/// Reports the primary miner's answer (or failure) to the task's recorder.
struct TaskFinisher: Sendable {
    /// Nil for a cache hit, whose task is written done already.
    let recorder: TaskRecorder?
    let minerID: String
    /// Keeps a finished answer in the completion cache, when the request was admitted to it.
    let cacheStore: (@Sendable ([UpstreamEvent]) -> Void)?

    /// A fresh outcome, recording its chunks when the answer is to be cached.
    func newOutcome() -> CompletionOutcome {
        CompletionOutcome(recordingChunks: cacheStore != nil)
    }

    func complete(_ outcome: CompletionOutcome) async {
        await recorder?.finished(minerID, text: outcome.recordText)
        cacheStore?(outcome.replayEvents)
    }

    func fail(_ error: any Error) async {
        await recorder?.failed(
            minerID, reason: UpstreamError(relayed: error)?.shortDescription ?? "upstream stream failed")
    }
}

extension CompletionRequest.Input {
    var isChat: Bool {
        if case .messages = self { return true }
        return false
    }
}

extension JSONValue {
    var serializedBytes: [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(256)  // a miner request body fits; no doubling per power of two
        serialize(into: &bytes)
        return bytes
    }
}
