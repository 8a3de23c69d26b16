import Gateway
import Testing

struct TaskStoreDurabilityTests {
    @Test func concurrentCreatesGetUniqueSequentialIDs() async throws {
        let directory = try StorageTestDirectory()
        let store = try EdgeStore(stateDirectory: directory.path)
        let perSession = 25
        let created = try await withThrowingTaskGroup(of: TaskRecord.self) { group in
            for index in 0..<(3 * perSession) {
                group.addTask {
                    try store.tasks.createTask(
                        sessionID: index % 3, assignedMiners: ["m\(index)"], promptHash: promptHash("\(index)"),
                        clientReference: "\(index)", now: 1)
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        for session in 0..<3 {
            let ids = created.filter { $0.sessionID == session }.map(\.taskID)
            #expect(ids.sorted() == Array(0..<perSession))
            #expect(try store.tasks.count(sessionID: session) == perSession)
        }
        // Each id's stored row is the one its creator got back.
        for record in created {
            #expect(try store.tasks.task(sessionID: record.sessionID, taskID: record.taskID) == record)
        }
    }

    @Test func twoConnectionsToOneFileStillAllocateUniqueIDs() async throws {
        let directory = try StorageTestDirectory()
        let first = try EdgeStore(stateDirectory: directory.path)
        let second = try EdgeStore(stateDirectory: directory.path)
        let ids = try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<40 {
                let store = index.isMultiple(of: 2) ? first : second
                group.addTask {
                    try store.tasks.createTask(
                        sessionID: 1, assignedMiners: [], promptHash: promptHash("\(index)"), clientReference: nil,
                        now: 1
                    ).taskID
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(ids.sorted() == Array(0..<40))
    }

    @Test func tasksSurviveARestart() throws {
        let directory = try StorageTestDirectory()
        let finished: TaskRecord
        do {
            let store = try EdgeStore(stateDirectory: directory.path)
            _ = try store.tasks.createTask(
                sessionID: 4, assignedMiners: ["a"], promptHash: promptHash("one"), clientReference: "r1", now: 50)
            finished = try store.tasks.complete(
                sessionID: 4, taskID: 0, resultData: ["{\"text\":\"ok\"}"], resultMiners: ["a"], now: 60)
        }
        let reopened = try EdgeStore(stateDirectory: directory.path)
        #expect(try reopened.tasks.task(sessionID: 4, taskID: 0) == finished)
        let next = try reopened.tasks.createTask(
            sessionID: 4, assignedMiners: [], promptHash: promptHash("two"), clientReference: nil, now: 70)
        #expect(next.taskID == 1)
    }
}
