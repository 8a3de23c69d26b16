import System

/// One attempt: a relay task reads the miner within the request's `ReplyBudget`, a watchdog timer enforces the
/// first-token and inter-token timeouts and the deadline, and `AttemptGate` decides which of them (or a
/// cancellation) ends it.
extension MinerPool {
    /// Largest non-stream JSON reply accepted from a miner.
    static let maxJSONReplyBytes = 8 << 20
    /// Events a reply may hold that its consumer has not taken yet (each is one token-sized delta).
    static let maxBufferedEvents = 8192

    /// A failure of the relay with its accounting reason.
    struct RelayFailure: Error {
        let reason: UpstreamFailure
    }

    /// Starts an attempt on miner `index`, whose first event must come before `firstEventBy` (and the first-token
    /// timeout); `gate.onStart` tells when it started or failed.
    func startAttempt(
        index: Int, request: UpstreamRequest, isProbe: Bool, deadline: ContinuousClock.Instant,
        firstEventBy: ContinuousClock.Instant, priorFailures: [UpstreamAttemptFailure]
    ) -> (gate: AttemptGate, events: UpstreamEventStream) {
        let config = miners[index].config
        miners[index].health.beginRequest()
        // Bounded: a consumer that falls this far behind ends the attempt rather than letting a miner fill memory.
        let channel = UpstreamEventChannel(limit: Self.maxBufferedEvents)
        let events = UpstreamEventStream(channel)
        let startedAt = ContinuousClock.now
        let gate = AttemptGate(
            minerID: config.id, startedAt: startedAt, priorFailures: priorFailures, channel: channel)
        let httpRequest = Self.httpRequest(for: request, miner: config, connectTimeout: settings.connectTimeout)
        let transport = transport
        let budget = ReplyBudget(
            maxTokens: request.maxTokens, maxReplyTokens: settings.maxReplyTokens,
            maxReplyBytes: settings.maxReplyBytes)
        let relay = Task(executorPreference: transport.preferredExecutor) {
            await Self.relay(
                httpRequest, transport: transport, gate: gate, budget: budget, pool: self, isProbe: isProbe)
        }
        gate.register(relay)
        let firstDeadline = min(startedAt + settings.firstTokenTimeout, firstEventBy, deadline)
        let watchdog = AttemptWatchdog(
            gate: gate, firstDeadline: firstDeadline, interTokenTimeout: settings.interTokenTimeout,
            deadline: deadline, pool: self, isProbe: isProbe)
        gate.register(cancel: { watchdog.cancel() })
        watchdog.start()
        channel.setOnCancel { gate.requestStop() }
        return (gate, events)
    }

    /// The HTTP request for `request` on `miner`.
    static func httpRequest(
        for request: UpstreamRequest, miner: MinerConfig, connectTimeout: Duration
    ) -> MinerHTTPRequest {
        var headers: [(name: String, value: String)] = [
            ("Content-Type", "application/json"),
            ("Accept", request.stream ? "text/event-stream" : "application/json"),
        ]
        if let apiKey = miner.apiKey, !apiKey.isEmpty { headers.append(("Authorization", "Bearer \(apiKey)")) }
        return MinerHTTPRequest(
            method: "POST", url: baseURL(miner.url) + request.endpoint.path, headers: headers, body: request.body,
            connectTimeout: connectTimeout, caller: request.caller)
    }

    /// The miner's base URL without trailing slashes.
    static func baseURL(_ url: String) -> String {
        var base = Substring(url)
        while base.hasSuffix("/") { base = base.dropLast() }
        return String(base)
    }

    /// Closes the attempt with `end` if nobody did yet: cancels its tasks, accounts it, resolves waiter/stream.
    @discardableResult
    static func conclude(_ end: AttemptEnd, gate: AttemptGate, pool: MinerPool, isProbe: Bool) async -> Bool {
        guard let closing = gate.close(end) else { return false }
        for cancel in closing.cancellers { cancel() }
        await pool.record(
            minerID: gate.minerID, verdict: closing.verdict, isProbe: isProbe, total: .now - gate.startedAt)
        closing.resolveWaiter?()
        closing.finishStream?()
        return true
    }

    /// Reads the miner's reply and feeds its events through the gate, then closes the attempt.
    static func relay(
        _ request: MinerHTTPRequest, transport: any MinerTransport, gate: AttemptGate, budget: ReplyBudget,
        pool: MinerPool, isProbe: Bool
    ) async {
        let end: AttemptEnd
        do {
            try Task.checkCancellation()
            let response: MinerHTTPStream
            do {
                response = try await transport.open(request)
            } catch {
                throw RelayFailure(reason: .connectFailed(describe(error)))
            }
            guard (200..<300).contains(response.status) else {
                throw RelayFailure(reason: await failure(of: response))
            }
            var budget = budget
            try await relayBody(of: response, gate: gate, budget: &budget)
            end = .completed
        } catch let failure as RelayFailure {
            end = gate.stopRequested ? .cancelled : .failed(failure.reason)
        } catch let exceeded as ReplyBudgetError {
            // Past what the request allows: the miner's fault, not a transport failure.
            end = gate.stopRequested ? .cancelled : .failed(.replyTooLarge(exceeded.summary))
        } catch {
            end = gate.stopRequested || Task.isCancelled ? .cancelled : .failed(.connectionLost(describe(error)))
        }
        await conclude(end, gate: gate, pool: pool, isProbe: isProbe)
    }

    /// Why a non-2xx answer failed the attempt: busy (429, with its `Retry-After`), a refusal of the request
    /// (with the miner's message), or a plain status.
    static func failure(of response: MinerHTTPStream) async -> UpstreamFailure {
        if response.status == 429 {
            return .busy(retryAfter: MinerRefusal.retryAfterSeconds(response.header("Retry-After")))
        }
        if MinerRefusal.isRefusal(status: response.status) { return .refused(await MinerRefusal.read(response)) }
        return .httpStatus(response.status)
    }

    /// Decodes an SSE or JSON body into events within `budget`; returns at `[DONE]` or the end of the body.
    static func relayBody(of response: MinerHTTPStream, gate: AttemptGate, budget: inout ReplyBudget) async throws {
        var isSSE = announcesEventStream(contentType: response.header("Content-Type") ?? "")
        var sse = SSEDecoder()
        var json: [UInt8] = []
        var sawFinish = false
        for try await chunk in response.body {
            try Task.checkCancellation()
            try budget.chargeWire(chunk.count)
            if isSSE == nil, let first = chunk.first(where: { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }) {
                isSSE = first != UInt8(ascii: "{")
            }
            if isSSE == false {
                json += chunk
                guard json.count <= maxJSONReplyBytes else {
                    throw RelayFailure(reason: .invalidResponse("JSON reply over \(maxJSONReplyBytes) bytes"))
                }
                continue
            }
            let events: [SSEEvent]
            do {
                events = try sse.feed(chunk)
            } catch .lineTooLong(let limit) {
                throw RelayFailure(reason: .invalidResponse("SSE line over \(limit) bytes"))
            } catch .eventTooLarge(let limit) {
                throw RelayFailure(reason: .invalidResponse("SSE event over \(limit) bytes"))
            }
            for event in events where try relaySSEData(event.data, gate: gate, budget: &budget, sawFinish: &sawFinish) {
                return
            }
        }
        if isSSE == false {
            try relayJSON(json, gate: gate, budget: &budget, sawFinish: &sawFinish)
            return
        }
        if let event = sse.finish(), try relaySSEData(event.data, gate: gate, budget: &budget, sawFinish: &sawFinish) {
            return
        }
        // A stream cut before `[DONE]` and before any finish reason was truncated, unless it had no events at all
        // (then the gate reports an empty reply).
        if !sawFinish && gate.hasStarted { throw RelayFailure(reason: .connectionLost("stream ended before finish")) }
    }

    /// Whether a reply's Content-Type announces SSE (true), JSON (`…/json` or `…+json`: false) or neither (nil);
    /// ASCII case-insensitive, parameters after `;` ignored. Bytes, not Characters: this runs once per reply.
    static func announcesEventStream(contentType: String) -> Bool? {
        let firstPart = contentType.utf8.split(separator: UInt8(ascii: ";"), maxSplits: 1).first
        var media = firstPart.map { $0.map(ASCII.lowercased) } ?? []
        let isSpace = { (byte: UInt8) in byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        while let last = media.last, isSpace(last) { media.removeLast() }
        let mediaType = media.drop(while: isSpace)
        if mediaType.elementsEqual("text/event-stream".utf8) { return true }
        let suffix = mediaType.suffix(5)
        return suffix.elementsEqual("/json".utf8) || suffix.elementsEqual("+json".utf8) ? false : nil
    }

    /// Decodes one payload and delivers its events; true at `[DONE]`.
    static func relaySSEData(
        _ data: String, gate: AttemptGate, budget: inout ReplyBudget, sawFinish: inout Bool
    ) throws -> Bool {
        if UpstreamDecoder.isDone(data) { return true }
        try relayJSON(Array(data.utf8), gate: gate, budget: &budget, sawFinish: &sawFinish)
        return false
    }

    /// Decodes one JSON payload (an SSE chunk or a whole reply) and delivers its events, if `budget` allows them.
    static func relayJSON(
        _ payload: [UInt8], gate: AttemptGate, budget: inout ReplyBudget, sawFinish: inout Bool
    ) throws {
        let events: [UpstreamEvent]
        do {
            events = try UpstreamDecoder.events(from: payload)
        } catch .invalidJSON(let error) {
            throw RelayFailure(reason: .invalidResponse("invalid JSON: \(error)"))
        } catch .notAnObject {
            throw RelayFailure(reason: .invalidResponse("payload is not a JSON object"))
        } catch .minerError(let message) {
            throw RelayFailure(reason: .minerError(message))
        } catch .invalidChoice(let problem) {
            throw RelayFailure(reason: .invalidResponse(problem))
        }
        try budget.charge(events)
        if events.contains(where: { if case .finish = $0 { true } else { false } }) { sawFinish = true }
        guard gate.deliver(events, now: .now) else { throw CancellationError() }
    }

    /// A transport error as a short line (transport errors carry codes and messages, never request bodies).
    static func describe(_ error: any Error) -> String {
        String(String(describing: error).prefix(200))
    }
}
