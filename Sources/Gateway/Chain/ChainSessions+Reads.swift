import Cache
public import JSON
import LightClient
import System

extension ChainSessions {
    /// Task `taskID` of session `id` as `SessionQueueV2.getTask` and `getTaskResults` report it, in the local
    /// tasks' JSON shape; what the router recorded (client reference, request CID) is added when it has the task.
    public func taskJSON(_ id: Int, taskID: Int, deadline: ContinuousClock.Instant) async throws(APIError) -> JSONValue
    {
        let (task, results) = try await withChainDeadline(deadline, "reading task \(id)/\(taskID)") {
            () throws(APIError) in
            let (_, chainID, contracts) = try await self.resolve(id)
            do throws(ContractError) {
                let task = try await contracts.queue.task(sessionID: chainID, taskID: UInt256(UInt64(taskID)))
                let results = try await contracts.queue.taskResults(
                    sessionID: chainID, taskID: UInt256(UInt64(taskID)))
                return (task, results)
            } catch .reverted {
                throw APIError.notFound("task \(taskID) of session \(id)")
            } catch {
                throw ChainFailure.apiError(error, doing: "reading task \(taskID) from SessionQueueV2")
            }
        }
        let local = try? tasks.store.task(sessionID: id, taskID: taskID)
        var texts: [JSONValue] = []
        for result in results { texts.append(.string((try? resolvedText(result.result)) ?? result.result)) }
        return [
            "session_id": .int(Int64(id)), "task_id": .int(Int64(taskID)), "id": .int(Int64(taskID)),
            "status": .int(Int64(task.status)), "ended": .bool(task.ended),
            "assigned_miners": .array(task.assignedMiners.map { .string($0.checksummed) }),
            "created_at": task.createdAt.json, "finished_at": task.finishedAt == .zero ? .null : task.finishedAt.json,
            "results": [
                "data": .array(texts), "miners": .array(results.map { .string($0.miner.checksummed) }),
                "committed": .array(results.map { .string($0.result) }),
            ],
            "task_data": .string(task.data), "global_id": task.globalID.json,
            "client_reference": local?.clientReference.map(JSONValue.string) ?? .null,
            "request_cid": local?.requestCID.map(JSONValue.string) ?? .null,
            "error": local?.error.map(JSONValue.string) ?? .null, "mode": "chain",
        ]
    }

    /// The text of a committed result: a CID's block from the block store, checked against the CID, or the
    /// committed string itself. Nil when the result names a CID whose block is not here.
    func resolvedText(_ committed: String) throws(APIError) -> String {
        guard let cid = Self.cid(in: committed) else { return committed }
        let data: [UInt8]?
        do { data = try blocks?.get(cid) } catch {
            throw APIError(status: 500, code: "storage_failed", message: "the block store could not be read")
        }
        guard let data else {
            throw APIError(
                status: 502, code: "result_unavailable",
                message: "the committed result \(cid) is not in the block store")
        }
        guard cid.multihash.matches(data) else {
            throw APIError(
                status: 502, code: "result_invalid", message: "the block of \(cid) does not match its CID")
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// The CID a committed result names, if it is one (a CIDv1 string, or a CIDv0 `Qm…`).
    static func cid(in text: String) -> CID? {
        guard (46...200).contains(text.utf8.count), text.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            return nil
        }
        return try? CID(text)
    }
}

extension SessionConfig {
    /// The local sessions' JSON shape with what `SessionV2.getSession` reports.
    func json(onChain session: CortensorSession) -> JSONValue {
        guard case .object(var object) = json else { return json }
        object["mode"] = "chain"
        object["miners"] = .array(session.miners.map { .string($0.checksummed) })
        object["redundancy"] = session.redundant.json
        object["state"] = .int(Int64(session.state))
        object["chain"] = [
            "layer": .string(chain?.layer.rawValue ?? ""), "session_id": session.id.json,
            "sid": .string(Hex.encode(session.sid)), "name": .string(session.name),
            "metadata": .string(session.metadata), "owner": .string(session.owner.checksummed),
            "session_mode": session.mode.json, "sla": session.sla.json,
            "dedicated_nodes": .array(session.dedicatedNodes.map { .string($0.checksummed) }),
            "ephemeral_nodes": .array(session.ephemeralNodes.map { .string($0.checksummed) }),
            "min_nodes": session.minNumOfNodes.json, "max_nodes": session.maxNumOfNodes.json,
            "validator_nodes": session.numOfValidatorNodes.json, "model_identifier": session.modelIdentifier.json,
            "routers": .array(
                session.routers.map { ["address": .string($0.address.checksummed), "metadata": .string($0.metadata)] }),
            "created_at": session.createdAt.json, "updated_at": session.updatedAt.json,
        ]
        return .object(object)
    }
}

extension UInt256 {
    /// A JSON integer when it fits in 63 bits, else its decimal text.
    var json: JSONValue {
        if let small = uint64Value, let value = Int64(exactly: small) { return .int(value) }
        return .string(description)
    }
}
