import HTTPClient
import JSON
import Synchronization

extension JSONRPCClient {
    /// POSTs `body` until an endpoint gives an answer `interpret` accepts: failover across endpoints, backoff before
    /// asking an endpoint again, at most `maxAttempts` exchanges. `only` pins one endpoint and one attempt.
    func exchange<Value>(
        _ body: [UInt8], only: Int?,
        interpret: (JSONValue, String) throws(JSONRPCError) -> Value
    ) async throws(JSONRPCError) -> Value {
        try await withoutActuallyEscaping(interpret) { (interpret) async throws(JSONRPCError) -> Value in
            let answer = Answer(interpret)
            try await exchange(body, only: only, into: answer)
            guard let value = answer.value else {
                preconditionFailure("an exchange returned without an accepted answer")
            }
            return value
        }
    }

    /// The loop behind `exchange`, neither generic nor specialized: each generic or closure specialization of an
    /// async function is a whole coroutine, and the RPC helpers pass dozens of result types and closures (this loop
    /// was 120 KB of the release binary as generic specializations, then 70 KB as closure specializations). The
    /// answer goes through an existential class instance, which the optimizer does not clone the loop for.
    private func exchange(_ body: [UInt8], only: Int?, into answer: any AnswerSink) async throws(JSONRPCError) {
        var failures: [JSONRPCError] = []
        var tried: Set<Int> = []
        var spoiled: Set<Int> = []  // Gave an invalid answer: not asked again in this request.
        var retries = 0
        for _ in 0..<(only == nil ? max(1, configuration.maxAttempts) : 1) {
            guard let index = only ?? pick(tried: tried, excluded: spoiled) else { break }
            if tried.contains(index) {
                retries += 1
                try await pause(retry: retries)
            }
            tried.insert(index)
            let endpoint = endpoints[index]
            do throws(JSONRPCError) {
                try answer.accept(try await post(body, to: endpoint), from: endpoint.name)
                record(index, failed: false)
                return
            } catch {
                if case .rpc = error {
                    record(index, failed: false)
                    throw error
                }
                if Task.isCancelled { throw .cancelled }
                record(index, failed: true)
                if !error.isRetryable { spoiled.insert(index) }
                failures.append(error)
            }
        }
        throw .allEndpointsFailed(failures)
    }

    /// One HTTP exchange with `endpoint`: its reply parsed as JSON, or why there is none.
    private func post(_ body: [UInt8], to endpoint: RPCEndpoint) async throws(JSONRPCError) -> JSONValue {
        let request = HTTPClientRequest(
            method: "POST", url: endpoint.url, headers: [(name: "Content-Type", value: "application/json")],
            body: body,
            timeouts: HTTPTimeouts(connect: configuration.timeout, total: configuration.timeout))
        let head: HTTPResponseHead
        let reply: [UInt8]
        do {
            (head, reply) = try await http.execute(request, maxBodyBytes: configuration.maxResponseBytes)
        } catch .bodyTooLarge(let limit) {
            throw .invalidResponse(endpoint: endpoint.name, reason: "reply larger than \(limit) bytes")
        } catch {
            throw .transport(endpoint: endpoint.name, error)
        }
        if head.status >= 500 || head.status == 429 {
            throw .httpStatus(endpoint: endpoint.name, status: head.status)
        }
        do {
            return try JSONValue.parse(
                reply, limits: JSONLimits(maxDepth: 64, maxBytes: configuration.maxResponseBytes))
        } catch {
            throw .invalidResponse(endpoint: endpoint.name, reason: "reply is not JSON (\(error))")
        }
    }

    /// The next endpoint per the pool, or `nil` when every one is excluded.
    func pick(tried: Set<Int>, excluded: Set<Int>) -> Int? {
        let now = ContinuousClock.now
        return state.withLock { $0.pool.next(at: now, tried: tried, excluded: excluded) }
    }

    /// Demotes endpoint `index` now: its data failed verification.
    func demote(_ index: Int) {
        let now = ContinuousClock.now
        state.withLock { $0.pool.demote(index, at: now) }
    }

    /// Records the outcome of an exchange with endpoint `index`.
    private func record(_ index: Int, failed: Bool) {
        let now = ContinuousClock.now
        state.withLock { state in
            if failed {
                state.pool.recordFailure(index, at: now)
            } else {
                state.pool.recordSuccess(index)
            }
        }
    }

    /// Sleeps the jittered backoff before retry number `retry`; throws `.cancelled` if the task is cancelled.
    private func pause(retry: Int) async throws(JSONRPCError) {
        let random = state.withLock { state in
            state.jitter = SplitMix.next(state.jitter)
            return SplitMix.mix(state.jitter)
        }
        do {
            try await Task.sleep(for: configuration.backoff.delay(retry: retry, random: random))
        } catch {
            throw .cancelled
        }
    }
}

/// SplitMix64 steps for the jitter generator (statistical quality is all jitter needs).
enum SplitMix {
    /// The next state after `state`.
    static func next(_ state: UInt64) -> UInt64 { state &+ 0x9E37_79B9_7F4A_7C15 }

    /// The output for `state`.
    static func mix(_ state: UInt64) -> UInt64 {
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }
}

/// Where `exchange` hands each reply: `accept` throws for a reply that is no answer (the next endpoint is asked).
protocol AnswerSink: AnyObject {
    func accept(_ reply: JSONValue, from endpoint: String) throws(JSONRPCError)
}

/// The answer of one exchange, interpreted as `Value`.
private final class Answer<Value>: AnswerSink {
    let interpret: (JSONValue, String) throws(JSONRPCError) -> Value
    var value: Value?

    init(_ interpret: @escaping (JSONValue, String) throws(JSONRPCError) -> Value) {
        self.interpret = interpret
    }

    func accept(_ reply: JSONValue, from endpoint: String) throws(JSONRPCError) {
        value = try interpret(reply, endpoint)
    }
}
