import Testing

@testable import Upstream

/// The local model's fair line: round-robin turns by caller, a per-caller cap, a total cap.
struct FairQueueTests {
    /// Admits `job` for `caller`: "run" when it runs now, "wait" when it waits, or the refusal.
    private func admit(_ queue: inout FairQueue<String>, _ job: String, _ caller: String) -> String {
        do {
            switch try queue.admit(job, caller: caller) {
            case .runNow(let now): return "run \(now)"
            case .waiting: return "wait"
            }
        } catch {
            return "\(error)"
        }
    }

    /// Runs the line to its end; the jobs in the order they ran.
    private func drain(_ queue: inout FairQueue<String>, first: String) -> [String] {
        var order = [first]
        while let next = queue.finishRunning() { order.append(next) }
        return order
    }

    @Test func oneFloodingKeyLeavesRoomAndTheNextTurnToAnother() {
        var queue = FairQueue<String>(capacity: 5, perCallerLimit: 2)
        #expect(admit(&queue, "a1", "A") == "run a1")
        #expect(admit(&queue, "a2", "A") == "wait")
        for job in ["a3", "a4", "a5", "a6"] {
            #expect(admit(&queue, job, "A") == "callerFull(limit: 2)")
        }
        #expect(admit(&queue, "b1", "B") == "wait")
        #expect(queue.count == 3)
        // B joined while A ran: B goes before A's second job.
        #expect(drain(&queue, first: "a1") == ["a1", "b1", "a2"])
        #expect(queue.count == 0)
    }

    @Test func turnsGoRoundRobinByCaller() {
        var queue = FairQueue<String>(capacity: 100, perCallerLimit: 10)
        #expect(admit(&queue, "a1", "A") == "run a1")
        for job in ["a2", "a3", "a4", "b1", "b2", "c1"] {
            #expect(admit(&queue, job, String(job.first!).uppercased()) == "wait")
        }
        #expect(drain(&queue, first: "a1") == ["a1", "b1", "c1", "a2", "b2", "a3", "a4"])
    }

    @Test func aPlaceComesBackWhenItsJobEnds() {
        var queue = FairQueue<String>(capacity: 2, perCallerLimit: 2)
        #expect(admit(&queue, "a1", "A") == "run a1")
        #expect(admit(&queue, "a2", "A") == "wait")
        #expect(admit(&queue, "a3", "A") == "callerFull(limit: 2)")
        #expect(queue.finishRunning() == "a2")
        #expect(admit(&queue, "a3", "A") == "wait")
        #expect(admit(&queue, "b1", "B") == "full(capacity: 2)")
        #expect(queue.finishRunning() == "a3")
        #expect(admit(&queue, "b1", "B") == "wait")
        #expect(queue.finishRunning() == "b1")
        #expect(queue.finishRunning() == nil)
        // Idle again: the next job runs at once, and an extra finish changes nothing.
        #expect(queue.finishRunning() == nil)
        #expect(admit(&queue, "c1", "C") == "run c1")
        #expect(queue.count == 1)
    }

    @Test func capsAreAtLeastOne() {
        var queue = FairQueue<String>(capacity: 0, perCallerLimit: 0)
        #expect(admit(&queue, "a1", "A") == "run a1")
        #expect(admit(&queue, "a2", "A") == "callerFull(limit: 1)")
        #expect(admit(&queue, "b1", "B") == "full(capacity: 1)")
    }

    @Test func manyCallersStayBounded() {
        var queue = FairQueue<String>(capacity: 8, perCallerLimit: 1)
        let answers = (0..<1000).map { admit(&queue, "j\($0)", "key-\($0)") }
        #expect(answers.filter { $0 == "run j0" || $0 == "wait" }.count == 8)
        #expect(answers.dropFirst(8).allSatisfy { $0 == "full(capacity: 8)" })
        #expect(drain(&queue, first: "j0") == (0..<8).map { "j\($0)" })
        #expect(queue.count == 0)
    }
}
