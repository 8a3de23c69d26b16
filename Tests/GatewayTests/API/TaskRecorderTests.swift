import SQLite
import Testing

@testable import Gateway

@Suite struct TaskRecorderTests {
    private func store() throws -> (TaskStore, TaskRecord) {
        let store = try EdgeStore(database: Database.inMemory())
        let task = try store.tasks.createTask(
            sessionID: 3, assignedMiners: ["a"], promptHash: TaskStore.promptHash(of: "p".utf8), clientReference: nil,
            now: 1)
        return (store.tasks, task)
    }

    @Test func writesOnceEveryReplicaEndedWithThePrimaryFirst() async throws {
        let (tasks, task) = try store()
        let recorder = TaskRecorder(tasks: TaskWriter(store: tasks), sessionID: 3, taskID: task.taskID, primary: "a")
        await recorder.assign("b")
        await recorder.closeReplicas()
        await recorder.finished("b", text: "from b")
        #expect(try tasks.task(sessionID: 3, taskID: task.taskID)?.status == .assigned)
        await recorder.finished("a", text: "from a")
        let record = try #require(try tasks.task(sessionID: 3, taskID: task.taskID))
        #expect(record.status == .done)
        #expect(record.assignedMiners == ["a", "b"])
        #expect(record.resultMiners == ["a", "b"])
        #expect(record.resultData == ["from a", "from b"])
    }

    @Test func aFailedReplicaLeavesTheOthersResults() async throws {
        let (tasks, task) = try store()
        let recorder = TaskRecorder(tasks: TaskWriter(store: tasks), sessionID: 3, taskID: task.taskID, primary: "a")
        await recorder.assign("b")
        await recorder.failed("a", reason: "reset")
        await recorder.finished("b", text: "ok")
        #expect(try tasks.task(sessionID: 3, taskID: task.taskID)?.status == .assigned)
        await recorder.closeReplicas()
        let record = try #require(try tasks.task(sessionID: 3, taskID: task.taskID))
        #expect(record.status == .done)
        #expect(record.resultMiners == ["b"])
    }

    @Test func noAnswerFailsTheTaskWithTheReasons() async throws {
        let (tasks, task) = try store()
        let recorder = TaskRecorder(tasks: TaskWriter(store: tasks), sessionID: 3, taskID: task.taskID, primary: "a")
        await recorder.closeReplicas()
        await recorder.failed("a", reason: "reset")
        let record = try #require(try tasks.task(sessionID: 3, taskID: task.taskID))
        #expect(record.status == .failed)
        #expect(record.error == "a: reset")
    }
}
