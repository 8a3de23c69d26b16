import Cache
public import HTTPServer
import JSON
import LightClient
import Log
import System

extension ChainSessions {
    /// A submitted task's committed answer.
    struct Answer: Sendable {
        let taskID: Int
        let miner: Address
        let text: String
    }

    /// Answers a completion on chain session `request.sessionID`: stores the request as a raw block, submits its
    /// CID with `SessionV2.submit`, waits for a miner's commit until the request's deadline, and returns the result
    /// in the shape of local completions. Failures are 502 (chain unreachable, revert) or 504 (deadline).
    public func respond(to request: CompletionRequest, requestID: String) async -> Response {
        do throws(APIError) {
            let sessionID = request.sessionID ?? 0
            guard let session = sessions[sessionID] else { throw APIError.notFound("session \(sessionID)") }
            let deadline = ContinuousClock.now.advanced(by: request.timeout ?? .seconds(session.timeoutSeconds))
            let answer = try await run(request, session: session, deadline: deadline)
            return render(answer, request: request, session: session, requestID: requestID)
        } catch {
            return error.response(for: .cortensor)
        }
    }

    private func run(
        _ request: CompletionRequest, session: SessionConfig, deadline: ContinuousClock.Instant
    ) async throws(APIError) -> Answer {
        let model = request.model ?? (session.model.isEmpty ? nil : session.model)
        let requestBlock = TaskWriter.rawBlock(
            CompletionCaching.canonicalForm(request, sessionID: session.id, model: model))
        do { try blocks?.putHashed(requestBlock.bytes, as: requestBlock.cid) } catch {
            throw APIError(status: 500, code: "storage_failed", message: "the request block could not be stored")
        }
        let (taskID, miners, queue, chainID, submittedIn) = try await withChainDeadline(
            deadline, "submitting the task"
        ) { () throws(APIError) in
            let (_, chainID, contracts) = try await self.resolve(session.id)
            let (taskID, miners, block) = try await self.submit(
                request, block: requestBlock.cid, chainSessionID: chainID, contracts: contracts)
            return (taskID, miners, contracts.queue, chainID, block)
        }
        guard let localID = taskID.uint64Value.flatMap({ Int(exactly: $0) }) else {
            throw APIError(status: 502, code: "chain_failed", message: "task id \(taskID) is out of range")
        }
        try await record(request, session: session, taskID: localID, miners: miners, block: requestBlock)
        do {
            let result = try await withChainDeadline(deadline, "waiting for a miner's commit of task \(taskID)") {
                () throws(APIError) in
                try await self.follow(queue: queue, sessionID: chainID, taskID: taskID, from: submittedIn)
            }
            let text = try resolvedText(result.result)
            try? await tasks.complete(
                sessionID: session.id, taskID: localID, resultData: [text], resultMiners: [result.miner.checksummed],
                now: WallClock.unixSeconds())
            return Answer(taskID: localID, miner: result.miner, text: text)
        } catch {
            try? await tasks.fail(
                sessionID: session.id, taskID: localID, reason: error.message, now: WallClock.unixSeconds())
            logger.warning(
                "chain task failed",
                metadata: ["session": "\(session.id)", "task": "\(localID)", "error": "\(error.code)"])
            throw error
        }
    }

    /// Submits the task; its id (from `TaskSubmitted`), the session's miners and the block that holds it.
    private func submit(
        _ request: CompletionRequest, block: CID, chainSessionID: UInt256, contracts: ChainConnection.Contracts
    ) async throws(APIError) -> (UInt256, [Address], UInt64) {
        let onChain: CortensorSession
        do throws(ContractError) {
            onChain = try await contracts.session.session(chainSessionID)
        } catch {
            throw ChainFailure.apiError(error, doing: "reading session \(chainSessionID) from SessionV2")
        }
        var promptType: UInt256 = 1
        var template = ""
        if case .messages(let messages) = request.input, messages.count == 2, messages[0].role == "system" {
            (promptType, template) = (2, messages[0].content)
        }
        let submission = TaskSubmission(
            sessionID: chainSessionID, nodeType: onChain.mode, taskData: block.description, promptType: promptType,
            promptTemplate: template, llmParams: LLMParameters.encoded(request),
            requestParams: [UInt256(UInt64(request.precommitTimeout ?? 90)), 0, 0, 0, 0, 0],
            clientReference: request.clientReference ?? "")
        do throws(ContractError) {
            let (taskID, receipt) = try await contracts.session.submit(submission, via: contracts.sender)
            return (taskID, onChain.miners, receipt.blockNumber)
        } catch {
            throw ChainFailure.apiError(error, doing: "submitting to session \(chainSessionID)")
        }
    }

    /// Follows the queue's events for the task from the block it was submitted in (`eth_getLogs` on SessionQueueV2,
    /// each range asked once): on `TaskCommitted` the committed results are read; `TaskEnded` without a result is a
    /// 502.
    private func follow(
        queue: SessionQueueV2, sessionID: UInt256, taskID: UInt256, from firstBlock: UInt64
    ) async throws(APIError) -> TaskResult {
        var nextBlock = firstBlock
        while true {
            var ended = false
            do throws(ContractError) {
                let (steps, scanned) = try await taskSteps(queue, sessionID, taskID, from: nextBlock)
                nextBlock = scanned.map { $0 + 1 } ?? nextBlock
                ended = steps.contains(.ended)
                if ended || steps.contains(.committed) || steps.contains(.allCommitted),
                    let first = try await queue.taskResults(sessionID: sessionID, taskID: taskID).first
                {
                    return first
                }
            } catch {
                throw ChainFailure.apiError(error, doing: "following task \(taskID) on SessionQueueV2")
            }
            if ended {
                throw APIError(status: 502, code: "task_ended", message: "task \(taskID) ended without a result")
            }
            do { try await Task.sleep(for: pollInterval) } catch {
                throw ChainFailure.deadline("waiting for a miner's commit of task \(taskID)")
            }
        }
    }

    /// The steps the queue logged for the task from `firstBlock` to the head, and the last block scanned (nil when
    /// the head is below `firstBlock`).
    private func taskSteps(
        _ queue: SessionQueueV2, _ sessionID: UInt256, _ taskID: UInt256, from firstBlock: UInt64
    ) async throws(ContractError) -> ([QueueEvent.Step], UInt64?) {
        let client = queue.contract.client
        let head: UInt64
        let objects: [JSONObject]
        do throws(JSONRPCError) {
            head = try await client.blockNumber()
            guard head >= firstBlock else { return ([], nil) }
            objects = try await client.logs(
                LogFilter(fromBlock: .number(firstBlock), toBlock: .number(head), addresses: [queue.contract.address]))
        } catch {
            throw .rpc(error)
        }
        var steps: [QueueEvent.Step] = []
        for object in objects {
            let log: ContractLog
            do throws(RPCValueError) { log = try ContractLog(json: .object(object)) } catch {
                throw .invalidReply("a queue log: \(error)")
            }
            guard log.address == queue.contract.address,
                case .task(let step, let eventSession, let eventTask, _)? = try SessionQueueV2.event(log),
                eventSession == sessionID, eventTask == taskID
            else { continue }
            steps.append(step)
        }
        return (steps, head)
    }

    /// The task in the local store under its on-chain id, so `/api/v1/tasks` lists it with the others.
    private func record(
        _ request: CompletionRequest, session: SessionConfig, taskID: Int, miners: [Address], block: TaskWriter.Block
    ) async throws(APIError) {
        do {
            _ = try await tasks.createTask(
                sessionID: session.id, assignedMiners: miners.map(\.checksummed),
                promptHash: TaskStore.promptHash(of: request.promptText.utf8),
                clientReference: request.clientReference, now: WallClock.unixSeconds(), request: block, taskID: taskID)
        } catch {
            logger.error("task store failed", metadata: ["error": "\(error)"])
            throw APIError(status: 500, code: "storage_failed", message: "the task could not be recorded")
        }
    }
}
