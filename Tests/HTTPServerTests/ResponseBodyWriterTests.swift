import Synchronization
import Testing

@testable import HTTPServer

/// Counts suspend/resume calls in place of libmicrohttpd.
private final class ControlProbe: Sendable {
    let suspends = Atomic<Int>(0)
    let resumes = Atomic<Int>(0)

    var control: ConnectionControl {
        ConnectionControl(
            suspend: { self.suspends.add(1, ordering: .relaxed) },
            resume: { self.resumes.add(1, ordering: .relaxed) })
    }
}

/// One content-reader call with a `max`-byte buffer.
private func read(_ writer: ResponseBodyWriter, max: Int = 1024) -> (ResponseBodyWriter.ReadResult, [UInt8]) {
    var buffer = [UInt8](repeating: 0, count: max)
    // Sound: the buffer pointer is used only inside the closure.
    let result = unsafe buffer.withUnsafeMutableBytes { unsafe writer.read(into: $0) }
    if case .bytes(let count) = result { return (result, Array(buffer[0..<count])) }
    return (result, [])
}

@Suite struct ResponseBodyWriterTests {
    @Test func emptyBufferParksAndAWriteWakes() async throws {
        let probe = ControlProbe()
        let writer = ResponseBodyWriter(capacity: 16, control: probe.control)
        #expect(read(writer).0 == .parked)
        #expect(probe.suspends.load(ordering: .relaxed) == 1)
        try await writer.write("hi")
        #expect(probe.resumes.load(ordering: .relaxed) == 1)
        try await writer.write("!")
        #expect(probe.resumes.load(ordering: .relaxed) == 1)  // not parked any more: no second resume
        #expect(read(writer).1 == Array("hi!".utf8))
    }

    @Test func readsRespectTheDestinationSize() async throws {
        let writer = ResponseBodyWriter(capacity: 64, control: ControlProbe().control)
        try await writer.write("abcdef")
        #expect(read(writer, max: 4).1 == Array("abcd".utf8))
        #expect(read(writer, max: 4).1 == Array("ef".utf8))
    }

    @Test func fullBufferHoldsTheWriterUntilDrained() async throws {
        let writer = ResponseBodyWriter(capacity: 4, control: ControlProbe().control)
        try await writer.write("1234")
        let second = Task { try await writer.write("5678") }
        #expect(await eventually { writer.isWaitingForSpace })
        #expect(read(writer).1 == Array("1234".utf8))
        try await second.value
        #expect(read(writer).1 == Array("5678".utf8))
    }

    @Test func finishDrainsThenEnds() async throws {
        let probe = ControlProbe()
        let writer = ResponseBodyWriter(capacity: 16, control: probe.control)
        #expect(read(writer).0 == .parked)
        try await writer.write("tail")
        writer.finish()
        #expect(read(writer).1 == Array("tail".utf8))
        #expect(read(writer).0 == .endOfStream)
    }

    @Test func producerFailureDrainsThenFails() async throws {
        let probe = ControlProbe()
        let writer = ResponseBodyWriter(capacity: 16, control: probe.control)
        try await writer.write("part")
        writer.fail()
        #expect(read(writer).1 == Array("part".utf8))
        #expect(read(writer).0 == .failed)
    }

    @Test func abortWakesAParkedReaderAndFailsWaitingWriters() async throws {
        let probe = ControlProbe()
        let writer = ResponseBodyWriter(capacity: 2, control: probe.control)
        try await writer.write("ab")
        let waiting = Task { try await writer.write("cd") }
        #expect(await eventually { writer.isWaitingForSpace })
        writer.abort()
        await #expect(throws: ResponseStreamError.clientGone) { try await waiting.value }
        #expect(read(writer).0 == .failed)
        #expect(writer.isClientGone)
    }

    @Test func abortResumesAParkedConnection() {
        let probe = ControlProbe()
        let writer = ResponseBodyWriter(capacity: 2, control: probe.control)
        #expect(read(writer).0 == .parked)
        writer.abort()
        #expect(probe.resumes.load(ordering: .relaxed) == 1)
    }

    @Test func clientGoneFailsWritesNowAndLater() async throws {
        let writer = ResponseBodyWriter(capacity: 1, control: ControlProbe().control)
        try await writer.write("x")
        let waiting = Task { try await writer.write("y") }
        #expect(await eventually { writer.isWaitingForSpace })
        writer.clientDisconnected()
        await #expect(throws: ResponseStreamError.clientGone) { try await waiting.value }
        await #expect(throws: ResponseStreamError.clientGone) { try await writer.write("z") }
    }

    @Test func cancellingAWaitingWriterThrowsCancelled() async throws {
        let writer = ResponseBodyWriter(capacity: 1, control: ControlProbe().control)
        try await writer.write("x")
        let waiting = Task { try await writer.write("y") }
        #expect(await eventually { writer.isWaitingForSpace })
        waiting.cancel()
        await #expect(throws: ResponseStreamError.cancelled) { try await waiting.value }
        #expect(!writer.isWaitingForSpace)
    }
}
