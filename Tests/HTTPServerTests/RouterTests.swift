import Testing

@testable import HTTPServer

@Suite struct RouterTests {
    private func router() -> Router<String> {
        var router = Router<String>()
        router.add("GET", "/api/v1/tasks/{sid}", "tasks")
        router.add("GET", "/api/v1/tasks/{sid}/{tid}", "task")
        router.add("GET", "/api/v1/sessions/{sid}", "session")
        router.add("GET", "/api/v1/sessions/latest", "latest")
        router.add("POST", "/api/v1/completions", "complete")
        router.add("POST", "/api/v1/completions/{sid}", "complete-in")
        return router
    }

    @Test(arguments: [
        ("GET", "/api/v1/tasks/3", "tasks", ["sid": "3"]),
        ("GET", "/api/v1/tasks/3/17", "task", ["sid": "3", "tid": "17"]),
        ("GET", "/api/v1/tasks/3/17/", "task", ["sid": "3", "tid": "17"]),
        ("POST", "/api/v1/completions", "complete", [:]),
        ("POST", "/api/v1/completions/0", "complete-in", ["sid": "0"]),
        ("HEAD", "/api/v1/tasks/9", "tasks", ["sid": "9"]),
    ])
    func matchesWithParameters(method: String, path: String, expected: String, parameters: [String: String]) {
        guard case .found(let handler, let found) = router().match(method: method, path: path) else {
            Issue.record("no match for \(method) \(path)")
            return
        }
        #expect(handler == expected)
        #expect(found == parameters)
    }

    @Test func literalBeatsParameterWhateverTheOrder() {
        guard case .found(let handler, _) = router().match(method: "GET", path: "/api/v1/sessions/latest") else {
            Issue.record("no match")
            return
        }
        #expect(handler == "latest")
    }

    @Test func wrongMethodListsAllowedMethods() {
        guard case .methodNotAllowed(let allowed) = router().match(method: "DELETE", path: "/api/v1/completions")
        else {
            Issue.record("expected 405")
            return
        }
        #expect(allowed == ["POST"])
    }

    @Test(arguments: ["/", "/api", "/api/v1/tasks", "/api/v1/tasks/1/2/3", "/nope"])
    func unknownPathsAreNotFound(path: String) {
        guard case .notFound = router().match(method: "GET", path: path) else {
            Issue.record("expected 404 for \(path)")
            return
        }
    }

    @Test func restParameterCapturesTheRemainingSegments() {
        var router = Router<String>()
        router.add("GET", "/ipfs/{cid}", "root")
        router.add("GET", "/ipfs/{cid}/{path...}", "path")
        guard case .found(let root, let rootParameters) = router.match(method: "GET", path: "/ipfs/bafy/") else {
            Issue.record("no match for the root")
            return
        }
        #expect(root == "root" && rootParameters == ["cid": "bafy"])
        guard case .found(let handler, let parameters) = router.match(method: "GET", path: "/ipfs/bafy/a/b c/d.txt")
        else {
            Issue.record("no match for a path")
            return
        }
        #expect(handler == "path" && parameters == ["cid": "bafy", "path": "a/b c/d.txt"])
        guard case .notFound = router.match(method: "GET", path: "/ipfs") else {
            Issue.record("a rest parameter needs at least one segment")
            return
        }
    }
}
