import Testing

@testable import HTTPClient

/// The transfer state machine with plain integers standing in for continuations.
@Suite("TransferState")
struct TransferStateTests {
    typealias State = TransferState<Int, Int>

    @Test func startsOnceAndDeliversTheHead() {
        var state = State(bufferLimit: 8)
        guard case .start = state.waitForHead(1) else {
            Issue.record("expected start")
            return
        }
        #expect(state.headReceived() == 1)
        #expect(state.headReceived() == nil)
    }

    @Test func cancelBeforeStartResumesWithoutStarting() {
        var state = State(bufferLimit: 8)
        let end = state.fail(.cancelled)
        #expect(end.abort == false && end.head == nil)
        guard case .resume(1, .cancelled) = state.waitForHead(1) else {
            Issue.record("expected resume")
            return
        }
    }

    @Test func cancelWhileWaitingForTheHeadAbortsTheTransfer() {
        var state = State(bufferLimit: 8)
        _ = state.waitForHead(1)
        let end = state.fail(.cancelled)
        #expect(end.abort)
        #expect(end.head?.0 == 1)
        #expect(end.head.map { (try? $0.1.get()) == nil } == true)
        #expect(state.bodyReceived([1]) == .abort)
    }

    @Test func pausesWhenTheBufferIsFullAndUnpausesOnceTaken() {
        var state = State(bufferLimit: 4)
        _ = state.waitForHead(1)
        _ = state.headReceived()
        #expect(state.bodyReceived([1, 2, 3]) == .accepted)
        #expect(state.bodyReceived([4, 5]) == .accepted)  // lands on top of a not yet full buffer
        #expect(state.bodyReceived([6]) == .pause)
        #expect(state.isPaused)
        let taken = state.takeChunk()
        #expect(taken?.unpause == true)
        #expect((try? taken?.result.get()) == [1, 2, 3, 4, 5])
        #expect(!state.isPaused)
        #expect(state.takeChunk() == nil)
    }

    @Test func parkedConsumerGetsBytesDirectly() {
        var state = State(bufferLimit: 4)
        _ = state.waitForHead(1)
        _ = state.headReceived()
        guard case .parked = state.park(7) else {
            Issue.record("expected parked")
            return
        }
        guard case .deliver(7, [9, 9]) = state.bodyReceived([9, 9]) else {
            Issue.record("expected deliver")
            return
        }
        #expect(state.takeChunk() == nil)
    }

    @Test func endComesAfterBufferedBytes() {
        var state = State(bufferLimit: 4)
        _ = state.waitForHead(1)
        _ = state.headReceived()
        _ = state.bodyReceived([1])
        #expect(state.succeed(head: HTTPResponseHead(status: 200)).body == nil)
        #expect((try? state.takeChunk()?.result.get()) == [1])
        #expect((try? state.takeChunk()?.result.get()) == .some(nil))
    }

    @Test func transportErrorKeepsBufferedBytesButCancelDropsThem() {
        var failed = State(bufferLimit: 4)
        _ = failed.waitForHead(1)
        _ = failed.headReceived()
        _ = failed.bodyReceived([1])
        _ = failed.fail(.transport(code: 56, message: "reset"))
        #expect((try? failed.takeChunk()?.result.get()) == [1])
        #expect(failed.takeChunk().map { (try? $0.result.get()) == nil } == true)

        var cancelled = State(bufferLimit: 4)
        _ = cancelled.waitForHead(1)
        _ = cancelled.headReceived()
        _ = cancelled.bodyReceived([1])
        _ = cancelled.succeed(head: HTTPResponseHead(status: 200))
        let end = cancelled.fail(.cancelled)
        #expect(end.abort == false)
        guard case .failure(.cancelled)? = cancelled.takeChunk()?.result else {
            Issue.record("expected cancel")
            return
        }
    }

    @Test func successWithoutHeadBlockUsesTheFallbackHead() {
        var state = State(bufferLimit: 4)
        _ = state.waitForHead(1)
        let end = state.succeed(head: HTTPResponseHead(status: 200))
        #expect(end.head?.0 == 1)
        #expect((try? end.head?.1.get())?.status == 200)
    }
}

extension TransferState.BodyAction: Equatable where BodyWaiter: Equatable {
    static func == (lhs: Self, rhs: Self) -> Bool {
        switch (lhs, rhs) {
        case (.accepted, .accepted), (.pause, .pause), (.abort, .abort): true
        case (.deliver(let a, let x), .deliver(let b, let y)): a == b && x == y
        default: false
        }
    }
}
