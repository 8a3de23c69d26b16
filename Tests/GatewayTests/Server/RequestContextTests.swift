import Dispatch
import Synchronization
import Testing

@testable import Gateway

@Suite struct RequestContextTests {
    private func handlingContext() -> RequestContext {
        let core = ServerCore(
            configuration: HTTPServerConfiguration(), handler: { _ in Response(status: 204, body: .bytes([])) })
        let context = RequestContext(
            control: ConnectionControl(suspend: {}, resume: {}), maxBodyBytes: 0, expectedBodyBytes: 0)
        _ = context.suspendForHandler(requestID: "r1", unlessDraining: core)
        return context
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

    @Test(arguments: [
        (Duration.seconds(930), 930_000_000_000), (.milliseconds(1500), 1_500_000_000), (.zero, 0),
        (.seconds(-1), 0),
    ])
    func intervalsAreWholeNanoseconds(duration: Duration, nanoseconds: Int) {
        #expect(RequestDeadline.interval(duration) == .nanoseconds(nanoseconds))
    }
}
