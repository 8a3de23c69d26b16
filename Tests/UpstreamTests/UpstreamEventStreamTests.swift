import Synchronization
import Testing

@testable import Upstream

/// The reply channel keeps `AsyncThrowingStream`'s contract: bounded, single consumer, cancellation reported once.
@Suite struct UpstreamEventStreamTests {
    private struct Boom: Error {}

    private final class Counter: Sendable {
        let value = Atomic<Int>(0)
        func bump() { value.add(1, ordering: .relaxed) }
        var count: Int { value.load(ordering: .relaxed) }
    }

    @Test func deliversBufferedEventsThenTheErrorOnceThenNil() async throws {
        let channel = UpstreamEventChannel(limit: 4)
        let stream = UpstreamEventStream(channel)
        #expect(channel.yield(.text("a")) == .enqueued)
        #expect(channel.yield(.text("b")) == .enqueued)
        channel.finish(throwing: Boom())
        #expect(channel.yield(.text("late")) == .terminated)
        var iterator = stream.makeAsyncIterator()
        #expect(try await iterator.next() == .text("a"))
        #expect(try await iterator.next() == .text("b"))
        await #expect(throws: Boom.self) { _ = try await iterator.next() }
        #expect(try await iterator.next() == nil)
    }

    @Test func dropsEventsBeyondTheLimit() {
        let channel = UpstreamEventChannel(limit: 2)
        let stream = UpstreamEventStream(channel)
        #expect(channel.yield(.text("a")) == .enqueued)
        #expect(channel.yield(.text("b")) == .enqueued)
        #expect(channel.yield(.text("c")) == .dropped)
        _ = stream
    }

    @Test func aParkedConsumerGetsEventsAndTheEnd() async throws {
        let channel = UpstreamEventChannel(limit: 4)
        let stream = UpstreamEventStream(channel)
        let consumer = Task {
            var events: [UpstreamEvent] = []
            for try await event in stream { events.append(event) }
            return events
        }
        try await Task.sleep(for: .milliseconds(20))
        _ = channel.yield(.text("a"))
        _ = channel.yield(.finish(reason: "stop"))
        channel.finish()
        #expect(try await consumer.value == [.text("a"), .finish(reason: "stop")])
    }

    @Test func cancellingTheConsumerEndsTheStreamAndReportsOnce() async throws {
        let channel = UpstreamEventChannel(limit: 4)
        let cancels = Counter()
        channel.setOnCancel { cancels.bump() }
        let stream = UpstreamEventStream(channel)
        let consumer = Task {
            var count = 0
            for try await _ in stream { count += 1 }
            return count
        }
        try await Task.sleep(for: .milliseconds(20))
        consumer.cancel()
        #expect(try await consumer.value == 0)
        channel.cancel()
        #expect(cancels.count == 1)
        #expect(channel.yield(.text("late")) == .terminated)
    }

    @Test func droppingAnUnfinishedStreamReportsACancellation() {
        let channel = UpstreamEventChannel(limit: 4)
        let cancels = Counter()
        channel.setOnCancel { cancels.bump() }
        do { _ = UpstreamEventStream(channel) }
        #expect(cancels.count == 1)
    }

    @Test func droppingAFinishedStreamReportsNothing() {
        let channel = UpstreamEventChannel(limit: 4)
        let cancels = Counter()
        channel.setOnCancel { cancels.bump() }
        do {
            let stream = UpstreamEventStream(channel)
            channel.finish()
            _ = stream
        }
        #expect(cancels.count == 0)
    }
}
