import Dispatch
import Synchronization
import System
import Testing

@testable import HTTPServer

@Suite struct RequestContextTests {
    private func handlingContext() -> RequestContext {
        let core = ServerCore(
            configuration: HTTPServerConfiguration(), handler: { _ in Response(status: 204, body: .bytes([])) })
        let context = makeContext(maxBodyBytes: 0, budget: BodyBudget(limit: 0))
        _ = context.suspendForHandler(requestID: "r1", unlessDraining: core)
        return context
    }

    private func makeContext(maxBodyBytes: Int, budget: BodyBudget) -> RequestContext {
        RequestContext(
            control: ConnectionControl(suspend: {}, resume: {}), socket: -1,
            head: Request(id: "r1", method: "POST", path: "/"), maxBodyBytes: maxBodyBytes, bodyBudget: budget)
    }

    private func append(_ count: Int, to context: RequestContext) {
        let chunk = [UInt8](repeating: 0x61, count: count)
        unsafe chunk.withUnsafeBytes { unsafe context.appendBody($0) }
    }

    @Test func bodiesShareTheServersBudgetUntilTheyComplete() {
        let budget = BodyBudget(limit: 100)
        let first = makeContext(maxBodyBytes: 80, budget: budget)
        let second = makeContext(maxBodyBytes: 80, budget: budget)
        #expect(first.reserveAnnouncedBody(60))
        #expect(budget.inUse == 60)
        append(60, to: first)
        #expect(budget.inUse == 60, "announced bytes are reserved once")
        append(30, to: second)
        #expect(second.refusedBody == nil)
        append(20, to: second)  // 110 would be held: over the budget
        #expect(second.refusedBody?.status == 503)
        #expect(first.takeRequest().body.count == 60)
        #expect(budget.inUse == 90, "a body handed to its handler stays reserved until the request completes")
        _ = first.complete()
        _ = second.complete()
        #expect(budget.inUse == 0)
    }

    @Test func anAnnouncedBodyOverTheBudgetIsRefusedUnread() {
        let budget = BodyBudget(limit: 100)
        let holder = makeContext(maxBodyBytes: 100, budget: budget)
        #expect(holder.reserveAnnouncedBody(70))
        #expect(!makeContext(maxBodyBytes: 100, budget: budget).reserveAnnouncedBody(31))
        #expect(budget.inUse == 70)
    }

    @Test func aBodyOverItsOwnLimitIs413AndHoldsNothingMore() {
        let budget = BodyBudget(limit: 1000)
        let context = makeContext(maxBodyBytes: 10, budget: budget)
        append(8, to: context)
        append(8, to: context)
        #expect(context.refusedBody?.status == 413)
        #expect(budget.inUse == 8)
        _ = context.complete()
        #expect(budget.inUse == 0)
    }

    @Test func aRunningHandlerIsHeldUntilItReturns() {
        // A finished task keeps its async frames until released: a stream must not hold its handler's.
        let context = handlingContext()
        context.attach(handler: Task {})
        #expect(context.holdsHandlerTask)
        context.handlerReturned(Response(status: 204, body: .bytes([])))
        #expect(!context.holdsHandlerTask)
    }

    @Test func aHandlerThatReturnedBeforeItWasAttachedIsNotHeld() {
        let context = handlingContext()
        context.handlerReturned(Response(status: 204, body: .bytes([])))
        context.attach(handler: Task {}, deadline: RequestDeadline(after: .seconds(60)) {})
        #expect(!context.holdsHandlerTask)
    }
}

@Suite struct RequestDeadlineTests {
    @Test func firesOnceAfterItsDuration() async {
        let fired = Atomic<Int>(0)
        let deadline = RequestDeadline(after: .milliseconds(20)) { fired.add(1, ordering: .relaxed) }
        #expect(await eventually { fired.load(ordering: .relaxed) == 1 })
        deadline.cancel()
    }

    @Test func aCancelledDeadlineDoesNotFire() async throws {
        let fired = Atomic<Int>(0)
        let deadline = RequestDeadline(after: .milliseconds(50)) { fired.add(1, ordering: .relaxed) }
        deadline.cancel()
        deadline.cancel()
        try await Task.sleep(for: .milliseconds(200))
        #expect(fired.load(ordering: .relaxed) == 0)
    }

}

@Suite struct TimerQueueTests {
    @Test func timersFireInDeadlineOrder() async {
        let queue = TimerQueue()
        let order = Mutex<[Int]>([])
        _ = queue.schedule(after: .milliseconds(60)) { order.withLock { $0.append(3) } }
        _ = queue.schedule(after: .milliseconds(20)) { order.withLock { $0.append(1) } }
        _ = queue.schedule(after: .milliseconds(40)) { order.withLock { $0.append(2) } }
        #expect(await eventually { order.withLock { $0.count } == 3 })
        #expect(order.withLock { $0 } == [1, 2, 3])
    }

    @Test func anEarlierTimerWakesTheSleepingThread() async throws {
        let queue = TimerQueue()
        _ = queue.schedule(after: .seconds(3600)) {}
        try await Task.sleep(for: .milliseconds(20))  // the thread now sleeps for the hour
        let fired = Atomic<Int>(0)
        let started = ContinuousClock.now
        _ = queue.schedule(after: .milliseconds(10)) { fired.add(1, ordering: .relaxed) }
        #expect(await eventually { fired.load(ordering: .relaxed) == 1 })
        #expect(ContinuousClock.now - started < .seconds(2))
    }

    @Test func cancelledTimersAreDroppedAtOnce() {
        let queue = TimerQueue()
        let tokens = (0..<100).map { index in queue.schedule(after: .seconds(60 + index % 7)) {} }
        #expect(queue.count == 100)
        for token in tokens.shuffled() { queue.cancel(token) }
        #expect(queue.count == 0)
    }
}
