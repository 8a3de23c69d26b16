import HTTPClient
import Synchronization
import Testing

@Suite("HTTPClient event thread as a task executor")
struct HTTPClientExecutorTests {
    let server = TestServer.shared

    @Test func theExecutorExistsOnceTheFirstRequestStartedTheThread() async throws {
        let client = try HTTPClient()
        defer { client.shutdown() }
        #expect(client.eventLoopExecutor == nil)
        _ = try await client.execute(HTTPClientRequest(url: server.url("/echo")))
        #expect(client.eventLoopExecutor != nil)
        client.shutdown()
        #expect(client.eventLoopExecutor == nil)
    }

    @Test func aTaskPreferringTheThreadRunsThereAndDefersWorkToTheEndOfTheTurn() async throws {
        let client = try HTTPClient()
        defer { client.shutdown() }
        _ = try await client.execute(HTTPClientRequest(url: server.url("/echo")))
        let executor = try #require(client.eventLoopExecutor)
        // Off the thread, nothing is deferred.
        #expect(!client.atEndOfTurn {})
        let order = Mutex<[String]>([])
        let status = try await Task(executorPreference: executor) { () async throws -> Int in
            let (head, _) = try await client.execute(HTTPClientRequest(url: server.url("/echo")))
            let deferred = client.atEndOfTurn { order.withLock { $0.append("end of turn") } }
            order.withLock { $0.append(deferred ? "deferred" : "not deferred") }
            return head.status
        }.value
        #expect(status == 200)
        #expect(await eventually { order.withLock { $0 } == ["deferred", "end of turn"] })
    }

    @Test func aTaskPreferringAShutDownThreadStillRuns() async throws {
        let client = try HTTPClient()
        _ = try await client.execute(HTTPClientRequest(url: server.url("/echo")))
        let executor = try #require(client.eventLoopExecutor)
        client.shutdown()
        let result = await Task(executorPreference: executor) { () async throws -> Int in
            try await client.execute(HTTPClientRequest(url: server.url("/echo"))).head.status
        }.result
        #expect(throws: HTTPClientError.shutdown) { try result.get() }
    }
}

/// Polls `condition` for up to 5 s.
private func eventually(_ condition: () -> Bool) async -> Bool {
    for _ in 0..<500 {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(10))
    }
    return condition()
}
