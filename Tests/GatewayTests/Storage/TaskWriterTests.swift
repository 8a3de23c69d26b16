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
