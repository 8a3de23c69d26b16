import Cache
import JSON
import SQLite
import Synchronization
import Testing

@testable import Gateway

/// Group commit: concurrent writes share transactions, yet each caller sees its own outcome, and a write is
/// readable once its call returned.
@Suite struct TaskWriterTests {
    private func writer() throws -> TaskWriter {
        TaskWriter(store: try EdgeStore(database: Database.inMemory()).tasks)
    }

    @Test func concurrentCreatesGetDistinctIDsAndAreReadableOnReturn() async throws {
        let writer = try writer()
        let ids = try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<40 {
                group.addTask {
                    let task = try await writer.createTask(
                        sessionID: 1, assignedMiners: ["m\(index)"], promptHash: promptHash("p\(index)"),
                        clientReference: nil, now: 1)
                    #expect(try writer.store.task(sessionID: 1, taskID: task.taskID)?.assignedMiners == ["m\(index)"])
                    return task.taskID
                }
            }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(ids.sorted() == Array(0..<40))
        #expect(try writer.store.count(sessionID: 1) == 40)
    }

    @Test func aFailingWriteInABatchFailsAloneAndLeavesNoTrace() async throws {
        let writer = try writer()
        let task = try await writer.createTask(
            sessionID: 2, assignedMiners: ["a"], promptHash: promptHash("p"), clientReference: nil, now: 1)
        // Twenty completions of one task race: exactly one wins, the others throw and write nothing.
        let outcomes = await withTaskGroup(of: Bool.self) { group in
            for index in 0..<20 {
                group.addTask {
                    do {
                        try await writer.complete(
                            sessionID: 2, taskID: task.taskID, resultData: ["r\(index)"], resultMiners: ["a"], now: 2)
                        return true
                    } catch {
                        return false
                    }
                }
            }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(outcomes.filter { $0 }.count == 1)
        let record = try #require(try writer.store.task(sessionID: 2, taskID: task.taskID))
        #expect(record.status == .done)
        #expect(record.resultData.count == 1)
    }

    @Test func aTaskCreatedCompletedReadsAsOneCreatedThenCompleted() async throws {
        let edge = try EdgeStore(database: Database.inMemory())
        let writer = TaskWriter(store: edge.tasks, blocks: edge.blocks)
        let request = TaskWriter.rawBlock(.array([.string("prompt"), .string("hi")]))
        let result = TaskWriter.rawBlock(.array([.string("hello")]))
        // Session 1 in two writes, session 2 in one; session 2 already has a task, so ids differ.
        let first = try await writer.createTask(
            sessionID: 1, assignedMiners: ["m"], promptHash: promptHash("p"), clientReference: "ref", now: 10,
            request: request)
        try await writer.complete(
            sessionID: 1, taskID: first.taskID, resultData: ["hello"], resultMiners: ["m"], now: 12, result: result)
        _ = try await writer.createTask(
            sessionID: 2, assignedMiners: [], promptHash: promptHash("earlier"), clientReference: nil, now: 1)
        let returned = try await writer.createCompletedTask(
            sessionID: 2, miner: "m", promptHash: promptHash("p"), clientReference: "ref", now: 12,
            resultData: "hello", request: request, result: result, createdAt: 10)
        #expect(returned.taskID == 1)
        let twoWrites = try #require(try edge.tasks.task(sessionID: 1, taskID: first.taskID))
        let oneWrite = try #require(try edge.tasks.task(sessionID: 2, taskID: returned.taskID))
        #expect(returned == oneWrite)
        #expect(oneWrite.status == .done && oneWrite.finishedAt == 12 && oneWrite.createdAt == 10)
        #expect(oneWrite.requestCID == request.cid.description && oneWrite.resultCID == result.cid.description)
        #expect(
            [oneWrite.assignedMiners, oneWrite.resultData, oneWrite.resultMiners]
                == [twoWrites.assignedMiners, twoWrites.resultData, twoWrites.resultMiners])
        #expect(oneWrite.promptHash == twoWrites.promptHash && oneWrite.clientReference == twoWrites.clientReference)
        // Both tasks share the two blocks: stored once each, retrievable.
        #expect(try edge.blocks.stats().blocks == 2)
        #expect(try edge.blocks.get(request.cid) == request.bytes)
        #expect(try edge.blocks.get(result.cid) == result.bytes)
    }

    /// A writer whose commits wait until the test runs them, so that every write queued meanwhile is one batch.
    private static func heldWriter(on database: Database? = nil) throws -> (TaskWriter, commit: @Sendable () -> Void) {
        let held = Mutex<(@Sendable () -> Void)?>(nil)
        let writer = TaskWriter(
            store: try EdgeStore(database: database ?? Database.inMemory()).tasks,
            deferCommit: { commit in
                held.withLock { $0 = commit }
                return true
            })
        return (writer, { held.withLock { $0 }?() })
    }

    /// Runs `writes` as one batch: waits until all are queued, then commits; returns whether each succeeded.
    private static func oneBatch(
        _ writer: TaskWriter, commit: @Sendable () -> Void, _ writes: [@Sendable () async throws -> Void]
    ) async -> [Bool] {
        await withTaskGroup(of: (Int, Bool).self) { group in
            for (index, write) in writes.enumerated() {
                group.addTask {
                    do {
                        try await write()
                        return (index, true)
                    } catch {
                        return (index, false)
                    }
                }
            }
            while writer.pendingWriteCount < writes.count { await Task.yield() }
            commit()
            return await group.reduce(into: [Bool](repeating: false, count: writes.count)) { $0[$1.0] = $1.1 }
        }
    }

    /// Before: SQLite rolls the whole transaction back when a write of the batch finds the database full, the
    /// savepoint's rollback then failed with "no such savepoint", and every caller got that (a 500) instead of
    /// the full database (a 507).
    @Test func aBatchWhoseWriteFindsTheDatabaseFullFailsWithFull() async throws {
        let directory = try StorageTestDirectory()
        let database = try Database(path: directory.path + "/edge.sqlite3")
        let (writer, commit) = try Self.heldWriter(on: database)
        try database.limitFileSize(toBytes: 1 << 20)
        let large = String(repeating: "r", count: 2 << 20)  // a client reference no 1 MiB file holds
        let errors = await withTaskGroup(of: SQLiteError?.self) { group in
            for reference in ["small", large, "small too"] {
                group.addTask {
                    do {
                        _ = try await writer.createTask(
                            sessionID: 0, assignedMiners: ["m"], promptHash: promptHash(reference),
                            clientReference: reference, now: 1)
                        return nil
                    } catch {
                        return error as? SQLiteError ?? SQLiteError(code: .error, message: "\(error)")
                    }
                }
            }
            while writer.pendingWriteCount < 3 { await Task.yield() }
            commit()
            return await group.reduce(into: [SQLiteError?]()) { $0.append($1) }
        }
        #expect(errors.count == 3)
        #expect(errors.contains { $0?.code.primary == .full })
        #expect(errors.allSatisfy { $0 == nil || $0?.code.primary == .full }, "\(errors)")
    }

    @Test(arguments: [false, true])
    func aBatchCommitsTogetherAndAFailingWriteFailsAlone(withFailure: Bool) async throws {
        let (writer, commit) = try Self.heldWriter()
        let returned = Mutex<[Int: TaskRecord]>([:])  // each creating write's own record, by its index
        var writes: [@Sendable () async throws -> Void] = (0..<5).map { index in
            {
                let record = try await writer.createTask(
                    sessionID: 1, assignedMiners: ["m"], promptHash: promptHash("p\(index)"), clientReference: nil,
                    now: 1)
                returned.withLock { $0[index] = record }
            }
        }
        if withFailure {
            writes.insert({ try await writer.fail(sessionID: 1, taskID: 99, reason: "none", now: 2) }, at: 2)
        }
        let outcomes = await Self.oneBatch(writer, commit: commit, writes)
        #expect(outcomes.filter { !$0 }.count == (withFailure ? 1 : 0))
        #expect(outcomes[2] == !withFailure)
        let tasks = try writer.store.tasks(sessionID: 1, limit: 10)
        #expect(tasks.map(\.taskID) == [4, 3, 2, 1, 0])
        #expect(tasks.allSatisfy { $0.status == .assigned && $0.assignedMiners == ["m"] })
        // Every caller got its own task back, the one stored under its id.
        let records = returned.withLock { $0 }
        #expect(records.count == 5)
        for (index, record) in records {
            #expect(record.promptHash == promptHash("p\(index)"))
            #expect(tasks.first { $0.taskID == record.taskID }?.promptHash == record.promptHash)
        }
    }

    @Test func invalidInputThrowsBeforeQueueing() async throws {
        let writer = try writer()
        await #expect(throws: TaskStoreError.self) {
            _ = try await writer.createTask(
                sessionID: 1, assignedMiners: [], promptHash: "short", clientReference: nil, now: 1)
        }
        await #expect(throws: TaskStoreError.self) {
            try await writer.complete(sessionID: 1, taskID: 0, resultData: ["x"], resultMiners: [], now: 1)
        }
        await #expect(throws: TaskStoreError.self) {
            try await writer.fail(sessionID: 1, taskID: 7, reason: "gone", now: 1)
        }
    }
}
