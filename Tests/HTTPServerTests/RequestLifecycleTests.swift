import Testing

@testable import HTTPServer

@Suite struct RequestLifecycleTests {
    private func makeWriter() -> ResponseBodyWriter {
        ResponseBodyWriter(capacity: 8, control: ConnectionControl(suspend: {}, resume: {}))
    }

    private func isReady(_ lifecycle: RequestLifecycle, status: Int) -> Bool {
        if case .ready(let response) = lifecycle.phase { response.status == status } else { false }
    }

    @Test func handlerAnswerResumesOnce() {
        var lifecycle = RequestLifecycle()
        lifecycle.startHandling()
        let first = lifecycle.handlerReturned(.text(200, "ok"))
        let second = lifecycle.handlerReturned(.text(201, "late"))
        #expect(first && !second)
        let ready = lifecycle.takeReadyResponse(makeWriter: makeWriter)
        let again = lifecycle.takeReadyResponse(makeWriter: makeWriter)
        #expect(ready?.response.status == 200)
        #expect(ready?.writer == nil)
        #expect(again == nil)
        let writer = lifecycle.complete()
        #expect(writer == nil)
    }

    @Test func anInlineAnswerIsReadyWithoutHandling() {
        var lifecycle = RequestLifecycle()
        lifecycle.answeredInline(.text(200, "inline"))
        #expect(isReady(lifecycle, status: 200))
        // Neither a deadline nor shutdown replaces an in-memory answer that is ready.
        if case .none = lifecycle.interrupt(answering: .text(504, "late")) {} else { Issue.record("interrupted") }
        let lateAnswer = lifecycle.handlerReturned(.text(201, "late"))
        #expect(!lateAnswer)
        let ready = lifecycle.takeReadyResponse(makeWriter: makeWriter)
        #expect(ready?.response.status == 200)
        #expect(ready?.writer == nil)
        let writer = lifecycle.complete()
        #expect(writer == nil)
    }

    @Test func deadlineBeforeHandlerWinsAndHandlerAnswerIsDropped() {
        var lifecycle = RequestLifecycle()
        lifecycle.startHandling()
        guard case .resumeAndCancelHandler = lifecycle.interrupt(answering: .text(504, "late")) else {
            Issue.record("expected resume")
            return
        }
        let accepted = lifecycle.handlerReturned(.text(200, "ok"))
        #expect(!accepted)
        #expect(isReady(lifecycle, status: 504))
    }

    @Test func interruptAfterAnswerKeepsAnInMemoryAnswer() {
        var lifecycle = RequestLifecycle()
        lifecycle.startHandling()
        _ = lifecycle.handlerReturned(.text(200, "ok"))
        guard case .none = lifecycle.interrupt(answering: .text(503, "stop")) else {
            Issue.record("expected nothing to do")
            return
        }
        #expect(isReady(lifecycle, status: 200))
    }

    @Test func interruptReplacesAStreamNotYetQueued() {
        var lifecycle = RequestLifecycle()
        lifecycle.startHandling()
        _ = lifecycle.handlerReturned(.stream(200, contentType: "text/plain") { _ in })
        _ = lifecycle.interrupt(answering: .text(503, "stop"))
        #expect(isReady(lifecycle, status: 503))
    }

    @Test func interruptAbortsARunningStream() throws {
        var lifecycle = RequestLifecycle()
        lifecycle.startHandling()
        _ = lifecycle.handlerReturned(.stream(200, contentType: "text/plain") { _ in })
        let taken = lifecycle.takeReadyResponse(makeWriter: makeWriter)
        let writer = try #require(taken?.writer)
        guard case .abortStream(let aborted) = lifecycle.interrupt(answering: .text(504, "late")) else {
            Issue.record("expected abort")
            return
        }
        #expect(aborted === writer)
        let completed = lifecycle.complete()
        #expect(completed === writer)
    }

    @Test func interruptWhileReceivingDoesNothing() {
        var lifecycle = RequestLifecycle()
        guard case .none = lifecycle.interrupt(answering: .text(503, "stop")) else {
            Issue.record("expected nothing to do")
            return
        }
        let ready = lifecycle.takeReadyResponse(makeWriter: makeWriter)
        #expect(ready == nil)
    }
}
