import Gateway
import SQLite
import Testing

/// `TaskStore.failInterruptedTasks`: what a start does with the tasks a crash left open.
struct TaskRecoveryTests {
    @Test func openTasksFailAsInterruptedAndFinishedOnesStay() throws {
        let store = try EdgeStore(database: Database.inMemory()).tasks
        let queued = try store.createTask(
            sessionID: 0, assignedMiners: [], promptHash: promptHash("q"), clientReference: nil, now: 10)
        let assigned = try store.createTask(
            sessionID: 0, assignedMiners: ["m1"], promptHash: promptHash("a"), clientReference: "ref", now: 11)
        let done = try store.createTask(
            sessionID: 0, assignedMiners: ["m1"], promptHash: promptHash("d"), clientReference: nil, now: 12)
        try store.complete(sessionID: 0, taskID: done.taskID, resultData: ["ok"], resultMiners: ["m1"], now: 13)
        let failed = try store.createTask(
            sessionID: 3, assignedMiners: ["m1"], promptHash: promptHash("f"), clientReference: nil, now: 14)
        try store.fail(sessionID: 3, taskID: failed.taskID, reason: "m1: reset", now: 15)

        #expect(try store.failInterruptedTasks(except: [], now: 100) == 2)

        for open in [queued, assigned] {
            let record = try #require(try store.task(sessionID: 0, taskID: open.taskID))
            #expect(record.status == .failed)
            #expect(record.error == TaskStore.interruptedReason && record.error == "interrupted")
            #expect(record.finishedAt == 100 && record.createdAt == open.createdAt)
            #expect(record.assignedMiners == open.assignedMiners && record.clientReference == open.clientReference)
        }
        let stillDone = try #require(try store.task(sessionID: 0, taskID: done.taskID))
        #expect(stillDone.status == .done && stillDone.error == nil && stillDone.finishedAt == 13)
        let stillFailed = try #require(try store.task(sessionID: 3, taskID: failed.taskID))
        #expect(stillFailed.error == "m1: reset" && stillFailed.finishedAt == 15)
        // A second start finds nothing open.
        #expect(try store.failInterruptedTasks(except: [], now: 200) == 0)
    }

    @Test func keptSessionsKeepTheirOpenTasks() throws {
        let store = try EdgeStore(database: Database.inMemory()).tasks
        var open: [Int: Int] = [:]
        for session in [0, 7, 9, 7] {
            open[session] =
                try store.createTask(
                    sessionID: session, assignedMiners: ["m"], promptHash: promptHash("\(session)"),
                    clientReference: nil, now: 1
                ).taskID
        }
        #expect(try store.failInterruptedTasks(except: [7, 9], now: 5) == 1)
        #expect(try store.task(sessionID: 0, taskID: 0)?.status == .failed)
        #expect(try store.tasks(sessionID: 7, limit: 10).allSatisfy { $0.status == .assigned && $0.error == nil })
        #expect(try store.task(sessionID: 9, taskID: 0)?.status == .assigned)
        #expect(try store.failInterruptedTasks(except: [], now: 6) == 3)
    }
}
