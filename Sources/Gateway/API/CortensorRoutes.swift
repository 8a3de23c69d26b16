import HTTPServer
import JSON
import System
import Upstream

/// The Cortensor REST API v1 (`/api/v1/...`), compatible with the official router's clients.
struct CortensorRoutes: Sendable {
    let service: CompletionService
    let pool: MinerPool
    let tasks: TaskStore
    let sessions: [SessionConfig]
    let info: RouterInfo
    /// The sessions that live on chain; nil when none is configured.
    var chain: ChainSessions? = nil
    /// The state directory's disk, reported by `/api/v1/status`; nil leaves it out.
    var disk: DiskMonitor? = nil
    /// The state's footprint by kind, reported by `/api/v1/status`; nil leaves it out.
    var pruner: StatePruner? = nil

    /// How long a read of a chain session or task may take.
    static let chainReadTimeout: Duration = .seconds(20)

    /// The routes with their methods.
    var routes: [(method: String, route: EdgeGateway.Route)] {
        [
            ("GET", route("/api/v1/info") { _, _ in .json(200, info.infoJSON) }),
            ("GET", route("/api/v1/about") { _, _ in .json(200, info.aboutJSON) }),
            (
                "GET",
                route("/api/v1/ping") { _, _ in
                    .json(200, ["status": "ok", "message": "pong", "timestamp": .int(WallClock.unixSeconds())])
                }
            ),
            ("GET", route("/api/v1/status") { _, _ in await status() }),
            ("GET", route("/api/v1/miners") { _, _ in await miners() }),
            ("GET", route("/api/v1/sessions") { _, _ in .json(200, ["sessions": .array(await sessionList())]) }),
            (
                "GET",
                route("/api/v1/sessions/{sid}") { _, parameters throws(APIError) in try await session(parameters) }
            ),
            (
                "GET",
                route("/api/v1/tasks/{sid}") { request, parameters throws(APIError) in
                    try taskList(request, parameters)
                }
            ),
            (
                "GET",
                route("/api/v1/tasks/{sid}/{tid}") { _, parameters throws(APIError) in try await task(parameters) }
            ),
            (
                "POST",
                route("/api/v1/completions", waitsOnMiners: true) { request, _ throws(APIError) in
                    try await complete(request, pathSession: nil)
                }
            ),
            (
                "POST",
                route("/api/v1/completions/{sid}", waitsOnMiners: true) { request, parameters throws(APIError) in
                    try await complete(request, pathSession: try sessionID(parameters))
                }
            ),
        ]
    }

    private func route(
        _ pattern: String, waitsOnMiners: Bool = false, _ handler: @escaping EdgeGateway.Handler
    ) -> EdgeGateway.Route {
        EdgeGateway.Route(pattern: pattern, flavor: .cortensor, waitsOnMiners: waitsOnMiners, handler: handler)
    }

    private func complete(_ request: Request, pathSession: Int?) async throws(APIError) -> Response {
        let completion = try CompletionRequest.cortensor(body: request.body, pathSession: pathSession)
        if let chain, chain.handles(sessionID: completion.sessionID ?? 0) {
            return await chain.respond(to: completion, requestID: request.id)
        }
        return await service.respond(
            to: completion, api: .cortensor, requestID: request.id, caller: request.caller,
            bypassCache: request.asksNoCache)
    }

    private func status() async -> Response {
        let miners = await pool.snapshot()
        let healthy = miners.filter { $0.state != "open" }.count
        var body: JSONObject = [
            "status": healthy > 0 ? "ok" : (miners.isEmpty ? "no_miners" : "degraded"),
            "uptime_seconds": .int(Int64(info.uptimeSeconds)),
            "miners": ["total": .int(Int64(miners.count)), "available": .int(Int64(healthy))],
            "sessions": .int(Int64(sessions.count)),
        ]
        if let disk { body["storage"] = disk.snapshot().json }
        if let pruner { body["footprint"] = pruner.footprint.json }
        return .json(200, .object(body))
    }

    private func miners() async -> Response {
        .json(200, ["miners": .array(await pool.snapshot().map(\.json))])
    }

    private func session(_ parameters: [String: String]) async throws(APIError) -> Response {
        let id = try sessionID(parameters)
        guard let session = sessions.first(where: { $0.id == id }) else { throw APIError.notFound("session \(id)") }
        if let chain, chain.handles(sessionID: id) {
            return .json(200, try await chain.sessionJSON(id, deadline: .now.advanced(by: Self.chainReadTimeout)))
        }
        return .json(200, await listed(session))
    }

    /// Every session; a chain session that cannot be read now is listed from the configuration with the reason.
    private func sessionList() async -> [JSONValue] {
        var list: [JSONValue] = []
        for session in sessions {
            guard let chain, chain.handles(sessionID: session.id) else {
                list.append(await listed(session))
                continue
            }
            do {
                list.append(try await chain.sessionJSON(session.id, deadline: .now.advanced(by: Self.chainReadTimeout)))
            } catch {
                guard case .object(var object) = session.json else { continue }
                (object["mode"], object["error"]) = ("chain", .string(error.message))
                list.append(.object(object))
            }
        }
        return list
    }

    private func taskList(_ request: Request, _ parameters: [String: String]) throws(APIError) -> Response {
        let sid = try knownSessionID(parameters)
        let limit = try queryInt(request, "limit", in: 1...1000) ?? 100
        let offset = try queryInt(request, "offset", in: 0...Int(Int32.max)) ?? 0
        do {
            let records = try tasks.tasks(sessionID: sid, limit: limit, offset: offset)
            let total = try tasks.count(sessionID: sid)
            return .json(
                200,
                [
                    "session_id": .int(Int64(sid)), "total": .int(Int64(total)),
                    "tasks": .array(records.map(\.json)),
                ])
        } catch {
            throw APIError(status: 500, code: "storage_failed", message: "tasks could not be read")
        }
    }

    private func task(_ parameters: [String: String]) async throws(APIError) -> Response {
        let sid = try knownSessionID(parameters)
        guard let tid = parameters["tid"].flatMap({ Int($0) }), tid >= 0 else {
            throw APIError.invalidField("task_id", "must be a non-negative integer")
        }
        if let chain, chain.handles(sessionID: sid) {
            return .json(
                200, try await chain.taskJSON(sid, taskID: tid, deadline: .now.advanced(by: Self.chainReadTimeout)))
        }
        let record: TaskRecord?
        do {
            record = try tasks.task(sessionID: sid, taskID: tid)
        } catch {
            throw APIError(status: 500, code: "storage_failed", message: "the task could not be read")
        }
        guard let record else {
            // Only a miss pays for this read: a task retention removed is expired, one never issued not found.
            if (try? tasks.wasPruned(sessionID: sid, taskID: tid)) == true {
                throw APIError(
                    status: 404, code: "expired",
                    message: "task \(tid) of session \(sid) expired (removed by retention)")
            }
            throw APIError.notFound("task \(tid) of session \(sid)")
        }
        return .json(200, record.json)
    }

    /// The path's session id, in the range a body's `session_id` has (`SessionID.range`).
    private func sessionID(_ parameters: [String: String]) throws(APIError) -> Int {
        let range = SessionID.range
        guard let id = parameters["sid"].flatMap({ Int($0) }), range.contains(id) else {
            throw APIError.invalidField(
                "session_id", "must be an integer between \(range.lowerBound) and \(range.upperBound)")
        }
        return id
    }

    /// The path's session id, 404 when no such session is configured (as `/api/v1/sessions/{sid}` answers).
    private func knownSessionID(_ parameters: [String: String]) throws(APIError) -> Int {
        let id = try sessionID(parameters)
        guard sessions.contains(where: { $0.id == id }) else { throw APIError.notFound("session \(id)") }
        return id
    }

    /// A local session as listed: one with no miner list routes to every miner, so it lists them all.
    private func listed(_ session: SessionConfig) async -> JSONValue {
        guard session.miners.isEmpty, case .object(var object) = session.json else { return session.json }
        object["miners"] = .array(await pool.snapshot().map { .string($0.id) })
        return .object(object)
    }

    private func queryInt(_ request: Request, _ name: String, in range: ClosedRange<Int>) throws(APIError) -> Int? {
        guard let raw = request.query.first(where: { $0.name == name })?.value else { return nil }
        guard let value = Int(raw), range.contains(value) else {
            throw APIError.invalidField(name, "must be an integer between \(range.lowerBound) and \(range.upperBound)")
        }
        return value
    }
}

extension SessionConfig {
    var json: JSONValue {
        [
            "id": .int(Int64(id)), "session_id": .int(Int64(id)), "name": .string(name), "model": .string(model),
            "miners": .array(miners.map(JSONValue.string)), "redundancy": .int(Int64(redundancy)),
            "timeout": .int(Int64(timeoutSeconds)), "mode": "local",
        ]
    }
}

extension TaskRecord {
    var json: JSONValue {
        [
            "session_id": .int(Int64(sessionID)), "task_id": .int(Int64(taskID)), "id": .int(Int64(taskID)),
            "status": .int(Int64(status.rawValue)), "assigned_miners": .array(assignedMiners.map(JSONValue.string)),
            "created_at": .int(createdAt), "finished_at": finishedAt.map { .int($0) } ?? .null,
            "results": [
                "data": .array(resultData.map(JSONValue.string)),
                "miners": .array(resultMiners.map(JSONValue.string)),
            ],
            "client_reference": clientReference.map(JSONValue.string) ?? .null,
            "request_cid": requestCID.map(JSONValue.string) ?? .null,
            "result_cid": resultCID.map(JSONValue.string) ?? .null,
            "error": error.map(JSONValue.string) ?? .null,
        ]
    }
}

extension MinerStatus {
    var json: JSONValue {
        [
            "id": .string(id), "miner_id": .string(id), "url": .string(url),
            "models": .array(models.map(JSONValue.string)), "models_source": .string(modelsSource),
            "state": .string(state), "active": .bool(state != "open"), "score": .double(score),
            "ewma_first_byte_ms": ewmaFirstByteMs.map(JSONValue.double) ?? .null,
            "ewma_total_ms": ewmaTotalMs.map(JSONValue.double) ?? .null, "error_rate": .double(errorRate),
            "in_flight": .int(Int64(inFlight)), "consecutive_failures": .int(Int64(consecutiveFailures)),
            "last_error": lastError.map(JSONValue.string) ?? .null,
        ]
    }
}
