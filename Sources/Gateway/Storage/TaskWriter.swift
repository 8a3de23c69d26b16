public import Cache
import Dispatch
import JSON
import SQLite
import Synchronization

/// Runs task-record writes in submission order, one committer at a time, committing the writes that queued up
/// meanwhile together (group commit).
///
/// SQLite calls block; on Swift's cooperative pool (one thread per core) a few concurrent writers waiting for the
/// database lock would stall every request. So only one caller at a time commits: a write that finds no commit
/// running commits its batch on its own thread (no thread hop: WAL commits with `synchronous=NORMAL` do not sync,
/// and the database runs its checkpoints on a queue of its own); writes arriving meanwhile suspend, and are committed together by a
/// serial queue. Task writes never queue for the database lock on the cooperative pool.
///
/// With `deferCommit` (the upstream client's end of turn, see `HTTPClient.atEndOfTurn`), a write made on the
/// event thread that runs the completion handlers is committed after the other jobs of that turn, together
/// with every write they made: under load one transaction holds the writes of many requests.
///
/// Durability and visibility are those of a write of its own: a call returns only after the transaction holding
/// its write committed (WAL, `synchronous=NORMAL`), so whatever the caller does next — answering the client,
/// say — comes after the task is readable through `store`. Writes of one batch fail alone: one that throws is
/// rolled back alone (the batch runs again, each write in a savepoint) and throws to its own caller; a failed
/// commit throws to every caller.
public final class TaskWriter: Sendable {
    /// The synchronous store the writes go to (reads can use it directly: they never wait for the writer).
    public let store: TaskStore
    /// Where tasks' request and result blocks go, written in the same transaction as the task's rows.
    public let blocks: BlockStore?
    private let queue = DispatchQueue(label: "cortensor-edge.task-writer")
    private let pending = Mutex(PendingWrites())
    /// Runs a commit later on the caller's thread and returns true, or returns false (then it commits now).
    private let deferCommit: (@Sendable (@escaping @Sendable () -> Void) -> Bool)?
    /// Most writes committed in one transaction.
    static let maxBatch = 64

    /// Creates a writer over `store`; `blocks` (on the same database) takes tasks' request and result blocks.
    public init(
        store: TaskStore, blocks: BlockStore? = nil,
        deferCommit: (@Sendable (@escaping @Sendable () -> Void) -> Bool)? = nil
    ) {
        self.store = store
        self.blocks = blocks
        self.deferCommit = deferCommit
    }

    /// A block to store with a task write: its CID (computed from the bytes) and the bytes.
    public typealias Block = (cid: CID, bytes: [UInt8])

    /// `TaskStore.createTask`, off the cooperative pool; `taskID` records a task whose id was given elsewhere (an
    /// on-chain task) instead of the session's next one.
    public func createTask(
        sessionID: Int, assignedMiners: [String], promptHash: String, clientReference: String?, now: Int64,
        request: Block? = nil, taskID: Int? = nil
    ) async throws -> TaskRecord {
        try TaskStore.verifyPromptHash(promptHash)
        let request = kept(request)
        return try await run(storing: [request]) { connection in
            try TaskStore.applyCreate(
                sessionID: sessionID, assignedMiners: assignedMiners, promptHash: promptHash,
                clientReference: clientReference, now: now, requestCID: request?.cid.description, explicitID: taskID,
                connection)
        }
    }

    /// A task that is done as it is created (an answer from the completion cache, or a buffered answer written
    /// once it ended): one transaction for the task, its result and both blocks. `createdAt` defaults to `now`.
    public func createCompletedTask(
        sessionID: Int, miner: String, promptHash: String, clientReference: String?, now: Int64,
        resultData: String, request: Block?, result: Block?, createdAt: Int64? = nil
    ) async throws -> TaskRecord {
        try TaskStore.verifyPromptHash(promptHash)
        let (request, result) = (kept(request), kept(result))
        return try await run(storing: [request, result]) { connection in
            try TaskStore.applyCreateCompleted(
                sessionID: sessionID, assignedMiners: [miner], resultData: [resultData], resultMiners: [miner],
                promptHash: promptHash, clientReference: clientReference, createdAt: createdAt ?? now, now: now,
                requestCID: request?.cid.description, resultCID: result?.cid.description, connection)
        }
    }

    /// `TaskStore.markAssigned`, off the cooperative pool.
    public func markAssigned(sessionID: Int, taskID: Int, miners: [String]) async throws {
        try await run { try TaskStore.applyAssignment(sessionID: sessionID, taskID: taskID, miners: miners, $0) }
    }

    /// `TaskStore.complete`, off the cooperative pool.
    public func complete(
        sessionID: Int, taskID: Int, resultData: [String], resultMiners: [String], now: Int64,
        result: Block? = nil
    ) async throws {
        try TaskStore.verifyResultCounts(resultData: resultData, resultMiners: resultMiners)
        let result = kept(result)
        try await run(storing: [result]) { connection in
            try TaskStore.applyCompletion(
                sessionID: sessionID, taskID: taskID, resultData: resultData, resultMiners: resultMiners, now: now,
                resultCID: result?.cid.description, connection)
        }
    }

    /// `TaskStore.fail`, off the cooperative pool.
    public func fail(sessionID: Int, taskID: Int, reason: String, now: Int64) async throws {
        try await run { try TaskStore.applyFailure(sessionID: sessionID, taskID: taskID, reason: reason, now: now, $0) }
    }

    /// `block` if there is a block store to keep it in, else nil (the task then records no CID for it).
    private func kept(_ block: Block?) -> Block? {
        blocks == nil ? nil : block
    }

    /// `run(body)` with `blocks` inserted first in the same transaction, and the block store's housekeeping
    /// (quota) once it committed.
    private func run<T: Sendable>(
        storing blocks: [Block?], _ body: @escaping @Sendable (Connection) throws -> T
    ) async throws -> T {
        let stored = blocks.compactMap { $0 }
        guard let store = self.blocks, !stored.isEmpty else { return try await run(body) }
        let value = try await run { connection in
            for block in stored { _ = try store.insert(block.bytes, as: block.cid, on: connection) }
            return try body(connection)
        }
        try? store.afterInsert(bytes: stored.reduce(0) { $0 + $1.bytes.count })
        return value
    }

    /// Queues `body` for the next batch and waits until that batch committed (or `body` failed).
    private func run<T: Sendable>(_ body: @escaping @Sendable (Connection) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            enqueue(
                PendingWrite(
                    apply: { connection in
                        let value = try body(connection)
                        return { continuation.resume(returning: value) }
                    },
                    fail: { continuation.resume(throwing: $0) }))
        }
    }

    private func enqueue(_ write: PendingWrite) {
        let leads = pending.withLock { pending in
            pending.writes.append(write)
            guard !pending.isDraining else { return false }
            pending.isDraining = true
            return true
        }
        guard leads else { return }
        // At the end of the event thread's turn, every write queued by then goes in one go.
        if let deferCommit, deferCommit({ self.drain() }) { return }
        // The leader commits one batch here, then leaves whatever queued meanwhile to the writer queue.
        guard let batch = takeBatch() else { return }
        commit(batch)
        if let next = takeBatch() {
            queue.async {
                self.commit(next)
                self.drain()
            }
        }
    }

    /// How many writes wait for a commit (for tests).
    var pendingWriteCount: Int { pending.withLock { $0.writes.count } }

    /// The next batch; `nil` (and no drain running any more) when nothing is pending.
    private func takeBatch() -> [PendingWrite]? {
        pending.withLock { pending -> [PendingWrite]? in
            guard !pending.writes.isEmpty else {
                pending.isDraining = false
                return nil
            }
            let batch = Array(pending.writes.prefix(Self.maxBatch))
            pending.writes.removeFirst(batch.count)
            return batch
        }
    }

    /// On the writer queue (or at the end of a turn): commits batches until nothing is pending.
    private func drain() {
        while let batch = takeBatch() { commit(batch) }
    }

    /// Applies `batch` in one transaction, then resumes every caller with its own outcome.
    ///
    /// A batch of several runs without savepoints first, since writes nearly always succeed; when one throws, that
    /// transaction is rolled back and the batch runs again with each write in a savepoint of its own, so that the
    /// failing one fails alone. (A write only touches the database, so running it twice is safe; a failed BEGIN or
    /// COMMIT, rare, also gets that second run before its error reaches the callers.)
    private func commit(_ batch: [PendingWrite]) {
        if batch.count > 1,
            let resumes = try? store.database.write({ connection in try batch.map { try $0.apply(connection) } })
        {
            for resume in resumes { resume() }
            return
        }
        commitIsolating(batch)
    }

    /// `commit`, each write of a batch of several in a savepoint that its failure rolls back.
    private func commitIsolating(_ batch: [PendingWrite]) {
        var outcomes: [Result<@Sendable () -> Void, any Error>] = []
        outcomes.reserveCapacity(batch.count)
        do {
            try store.database.write { connection in
                for write in batch { outcomes.append(try Self.apply(write, alone: batch.count == 1, connection)) }
            }
        } catch {
            for write in batch { write.fail(error) }
            return
        }
        for (write, outcome) in zip(batch, outcomes) {
            switch outcome {
            case .success(let resume): resume()
            case .failure(let error): write.fail(error)
            }
        }
    }

    private static let savepoint = SQL("SAVEPOINT task_write")
    private static let release = SQL("RELEASE task_write")
    private static let rollbackToSavepoint = SQL("ROLLBACK TO task_write")

    /// Runs one write; in a batch of several, inside a savepoint that a failure rolls back (rethrowing the write's
    /// error when the rollback itself fails, which ends the whole transaction).
    private static func apply(
        _ write: PendingWrite, alone: Bool, _ connection: Connection
    ) throws -> Result<@Sendable () -> Void, any Error> {
        guard !alone else { return .success(try write.apply(connection)) }
        try connection.execute(savepoint)
        do {
            let resume = try write.apply(connection)
            try connection.execute(release)
            return .success(resume)
        } catch {
            do {
                try connection.execute(rollbackToSavepoint)
                try connection.execute(release)
            } catch _ {
                // The write's failure ended the whole transaction (SQLite rolls it back on SQLITE_FULL, say), so
                // the savepoint is gone: the write's own error is what every caller of the batch should see.
                throw error
            }
            return .failure(error)
        }
    }
}

/// One queued write: `apply` runs it inside the batch's transaction and returns how to resume its caller once
/// the batch committed; `fail` resumes the caller with an error instead.
private struct PendingWrite: Sendable {
    let apply: @Sendable (Connection) throws -> @Sendable () -> Void
    let fail: @Sendable (any Error) -> Void
}

/// Writes waiting for the writer queue, and whether a drain is scheduled or running.
private struct PendingWrites {
    var writes: [PendingWrite] = []
    var isDraining = false
}

extension TaskWriter {
    /// `value` serialized as a raw block with its sha2-256 CIDv1 (hashed here, off the writer's lock).
    static func rawBlock(_ value: JSONValue) -> Block {
        let bytes = value.serializedBytes
        // Sound: raw is a supported content codec, the only way CID.sha256 can fail.
        return (try! CID.sha256(bytes, codec: .raw), bytes)
    }
}
