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
        context.attach(handler: Task {}, deadline: Task {})
        #expect(!context.holdsHandlerTask)
    }
}
