import Gateway
import SQLite
import Testing

struct TaskStoreTests {
    func makeStore() throws -> TaskStore {
        try EdgeStore(database: Database.inMemory()).tasks
    }

    @Test func promptHashIsHexSHA256() {
        #expect(
            TaskStore.promptHash(of: "abc".utf8) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test func taskIDsAreASequencePerSession() throws {
        let store = try makeStore()
        var ids: [Int: [Int]] = [:]
        for (index, session) in [5, 5, 9, 5, 9, 0].enumerated() {
            let task = try store.createTask(
                sessionID: session, assignedMiners: [], promptHash: promptHash("p\(index)"), clientReference: nil,
                now: 100)
            ids[session, default: []].append(task.taskID)
        }
        #expect(ids == [5: [0, 1, 2], 9: [0, 1], 0: [0]])
        #expect(try store.count(sessionID: 5) == 3)
        #expect(try store.count(sessionID: 9) == 2)
        #expect(try store.count(sessionID: 42) == 0)
    }

    @Test func createRecordsEverythingButThePrompt() throws {
        let store = try makeStore()
        let created = try store.createTask(
            sessionID: 1, assignedMiners: ["miner-a", "miner-b"], promptHash: promptHash("secret prompt"),
            clientReference: "ref-ü-🚀", now: 1_700_000_000)
        #expect(created.status == .assigned)
        #expect(created.finishedAt == nil)
        let fetched = try store.task(sessionID: 1, taskID: created.taskID)
        #expect(fetched == created)
        #expect(fetched?.promptHash == promptHash("secret prompt"))
        #expect(try store.task(sessionID: 1, taskID: 99) == nil)
        #expect(try store.task(sessionID: 2, taskID: created.taskID) == nil)
    }

    @Test(arguments: ["secret prompt", "", String(repeating: "A", count: 64), String(repeating: "g", count: 64)])
    func rejectsAnythingButALowercaseSHA256Hex(hash: String) throws {
        let store = try makeStore()
        #expect(throws: TaskStoreError.invalidPromptHash(length: hash.utf8.count)) {
            try store.createTask(sessionID: 1, assignedMiners: [], promptHash: hash, clientReference: nil, now: 1)
        }
        #expect(try store.count(sessionID: 1) == 0)
    }

    @Test func queuedThenAssignedThenDone() throws {
        let store = try makeStore()
        let created = try store.createTask(
            sessionID: 3, assignedMiners: [], promptHash: promptHash("x"), clientReference: nil, now: 10)
        #expect(created.status == .queued)
        #expect(created.assignedMiners.isEmpty)

        let assigned = try store.markAssigned(sessionID: 3, taskID: created.taskID, miners: ["m1"])
        #expect(assigned.status == .assigned)
        #expect(assigned.assignedMiners == ["m1"])
        let reassigned = try store.markAssigned(sessionID: 3, taskID: created.taskID, miners: ["m2", "m3"])
        #expect(reassigned.assignedMiners == ["m2", "m3"])

        let done = try store.complete(
            sessionID: 3, taskID: created.taskID, resultData: ["[\"hi\"]", "two\nlines"], resultMiners: ["m2", "m3"],
            now: 20)
        #expect(done.status == .done)
        #expect(done.finishedAt == 20)
        #expect(done.createdAt == 10)
        #expect(done.resultData == ["[\"hi\"]", "two\nlines"])
        #expect(done.resultMiners == ["m2", "m3"])
        #expect(done.error == nil)
        #expect(try store.task(sessionID: 3, taskID: created.taskID) == done)
    }

    @Test func failRecordsReasonAndIsFinal() throws {
        let store = try makeStore()
        let created = try store.createTask(
            sessionID: 3, assignedMiners: ["m1"], promptHash: promptHash("x"), clientReference: "c", now: 10)
        let failed = try store.fail(sessionID: 3, taskID: created.taskID, reason: "all miners failed", now: 15)
        #expect(failed.status == .failed)
        #expect(failed.error == "all miners failed")
        #expect(failed.finishedAt == 15)
        #expect(failed.assignedMiners == ["m1"])

        let finished = TaskStoreError.taskAlreadyFinished(sessionID: 3, taskID: created.taskID, status: .failed)
        #expect(throws: finished) {
            try store.complete(sessionID: 3, taskID: created.taskID, resultData: [], resultMiners: [], now: 16)
        }
        #expect(throws: finished) { try store.fail(sessionID: 3, taskID: created.taskID, reason: "again", now: 16) }
        #expect(throws: finished) { try store.markAssigned(sessionID: 3, taskID: created.taskID, miners: ["m9"]) }
        #expect(try store.task(sessionID: 3, taskID: created.taskID) == failed)
    }

    @Test func doneIsFinalToo() throws {
        let store = try makeStore()
        let created = try store.createTask(
            sessionID: 1, assignedMiners: ["m"], promptHash: promptHash("x"), clientReference: nil, now: 1)
        try store.complete(sessionID: 1, taskID: created.taskID, resultData: ["r"], resultMiners: ["m"], now: 2)
        #expect(throws: TaskStoreError.taskAlreadyFinished(sessionID: 1, taskID: created.taskID, status: .done)) {
            try store.fail(sessionID: 1, taskID: created.taskID, reason: "late", now: 3)
        }
        #expect(try store.task(sessionID: 1, taskID: created.taskID)?.resultData == ["r"])
    }

    @Test func longFailureReasonsAreCut() throws {
        let store = try makeStore()
        let created = try store.createTask(
            sessionID: 1, assignedMiners: [], promptHash: promptHash("x"), clientReference: nil, now: 1)
        let failed = try store.fail(
            sessionID: 1, taskID: created.taskID, reason: String(repeating: "e", count: 5000), now: 2)
        #expect(failed.error?.count == TaskStore.maxErrorLength)
    }

    @Test func transitionsOnMissingTasksAndBadResultsAreRefused() throws {
        let store = try makeStore()
        #expect(throws: TaskStoreError.taskNotFound(sessionID: 1, taskID: 0)) {
            try store.complete(sessionID: 1, taskID: 0, resultData: [], resultMiners: [], now: 1)
        }
        #expect(throws: TaskStoreError.taskNotFound(sessionID: 1, taskID: 7)) {
            try store.markAssigned(sessionID: 1, taskID: 7, miners: [])
        }
        _ = try store.createTask(
            sessionID: 1, assignedMiners: [], promptHash: promptHash("x"), clientReference: nil, now: 1)
        #expect(throws: TaskStoreError.resultCountMismatch(resultCount: 2, minerCount: 1)) {
            try store.complete(sessionID: 1, taskID: 0, resultData: ["a", "b"], resultMiners: ["m"], now: 2)
        }
        #expect(try store.task(sessionID: 1, taskID: 0)?.status == .queued)
    }

    @Test func listingIsNewestFirstAndPaged() throws {
        let store = try makeStore()
        for index in 0..<5 {
            _ = try store.createTask(
                sessionID: 2, assignedMiners: ["m\(index)"], promptHash: promptHash("\(index)"), clientReference: nil,
                now: Int64(index))
        }
        _ = try store.createTask(
            sessionID: 8, assignedMiners: [], promptHash: promptHash("o"), clientReference: nil, now: 0)
        try store.complete(sessionID: 2, taskID: 1, resultData: ["one"], resultMiners: ["m1"], now: 9)
        try store.complete(sessionID: 2, taskID: 3, resultData: ["three", "3"], resultMiners: ["m3", "mx"], now: 9)

        let firstPage = try store.tasks(sessionID: 2, limit: 2)
        #expect(firstPage.map(\.taskID) == [4, 3])
        #expect(firstPage.map(\.resultData) == [[], ["three", "3"]])
        #expect(firstPage.map(\.assignedMiners) == [["m4"], ["m3"]])
        let secondPage = try store.tasks(sessionID: 2, limit: 2, offset: 2)
        #expect(secondPage.map(\.taskID) == [2, 1])
        #expect(secondPage.map(\.resultMiners) == [[], ["m1"]])
        #expect(try store.tasks(sessionID: 2, limit: 2, offset: 4).map(\.taskID) == [0])
        #expect(try store.tasks(sessionID: 2, limit: 2, offset: 5).isEmpty)
        #expect(try store.tasks(sessionID: 2, limit: 0).isEmpty)
        #expect(try store.tasks(sessionID: 2, limit: -1).isEmpty)
        #expect(try store.tasks(sessionID: 2, limit: 1, offset: -3).map(\.taskID) == [4])
        #expect(try store.tasks(sessionID: 8, limit: 10).map(\.taskID) == [0])
    }
}
