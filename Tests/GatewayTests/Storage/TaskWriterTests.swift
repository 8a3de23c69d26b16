import Cache
import JSON
import SQLite
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
