import Dispatch
import SQLite
import Synchronization

/// Runs task-record writes on one dedicated thread, in submission order.
///
/// SQLite calls block; on Swift's cooperative pool (one thread per core) a few concurrent writers waiting for the
/// database lock would stall every request. Here they wait on their own serial queue while callers suspend.
public final class TaskWriter: Sendable {
    /// The synchronous store the writes go to (reads can use it directly: they never wait for the writer).
    public let store: TaskStore
    private let queue = DispatchQueue(label: "cortensor-edge.task-writer")
    /// Checkpoints run here, so their fsync never delays a write.
    private let checkpointQueue = DispatchQueue(label: "cortensor-edge.checkpoint")
    private let writesSinceCheckpoint = Atomic<Int>(0)
    /// Writes between two background checkpoints (the WAL then stays around a few hundred pages).
    static let checkpointInterval = 128

    /// Creates a writer over `store`.
    public init(store: TaskStore) {
        self.store = store
    }

    /// `TaskStore.createTask`, off the cooperative pool.
    public func createTask(
        sessionID: Int, assignedMiners: [String], promptHash: String, clientReference: String?, now: Int64
    ) async throws -> TaskRecord {
        try await run { store in
            try store.createTask(
                sessionID: sessionID, assignedMiners: assignedMiners, promptHash: promptHash,
                clientReference: clientReference, now: now)
        }
    }

    /// `TaskStore.markAssigned`, off the cooperative pool.
    public func markAssigned(sessionID: Int, taskID: Int, miners: [String]) async throws {
        _ = try await run { try $0.markAssigned(sessionID: sessionID, taskID: taskID, miners: miners) }
    }

    /// `TaskStore.complete`, off the cooperative pool.
    public func complete(
        sessionID: Int, taskID: Int, resultData: [String], resultMiners: [String], now: Int64
    ) async throws {
        _ = try await run {
            try $0.complete(
                sessionID: sessionID, taskID: taskID, resultData: resultData, resultMiners: resultMiners, now: now)
        }
    }

    /// `TaskStore.fail`, off the cooperative pool.
    public func fail(sessionID: Int, taskID: Int, reason: String, now: Int64) async throws {
        _ = try await run { try $0.fail(sessionID: sessionID, taskID: taskID, reason: reason, now: now) }
    }

    private func run<T: Sendable>(_ body: @escaping @Sendable (TaskStore) throws -> T) async throws -> T {
        let result = try await withCheckedThrowingContinuation { continuation in
            queue.async { [store] in continuation.resume(with: Result { try body(store) }) }
        }
        if writesSinceCheckpoint.add(1, ordering: .relaxed).newValue % Self.checkpointInterval == 0 {
            checkpointQueue.async { [store] in _ = try? store.database.checkpoint() }
        }
        return result
    }
}
