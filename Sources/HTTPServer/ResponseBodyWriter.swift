import Synchronization

/// Hooks that park and wake a connection inside libmicrohttpd (suspend / resume).
struct ConnectionControl: Sendable {
    /// Parks the connection; call only on the libmicrohttpd thread, from a callback.
    let suspend: @Sendable () -> Void
    /// Wakes a parked connection; callable from any thread, exactly once per `suspend`.
    let resume: @Sendable () -> Void
}

/// The producer side of a streaming response: a bounded buffer drained by the connection.
///
/// `write` appends while the buffer holds less than `capacity` bytes and otherwise waits
/// (backpressure). The connection's content reader copies bytes out on the libmicrohttpd
/// thread and parks the connection when the buffer is empty; a write wakes it. Both the
/// park and the wake happen under the buffer lock, so no wake-up is lost.
public final class ResponseBodyWriter: Sendable {
    /// What the content reader should tell libmicrohttpd.
    enum ReadResult: Equatable {
        /// This many bytes were copied.
        case bytes(Int)
        /// The buffer is empty; the connection was suspended until the next write or end.
        case parked
        /// The producer finished and everything was sent.
        case endOfStream
        /// The producer threw or the response was aborted; close the connection.
        case failed
    }

    private struct State {
        var bytes: [UInt8] = []  // (buffered + consumed) pending bytes; bytes[readOffset...] unsent
        var readOffset = 0
        var finished = false  // producer returned
        var failed = false  // producer threw: send what is buffered, then fail
        var aborted = false  // deadline or shutdown: fail now
        var clientGone = false  // libmicrohttpd completed the request
        var readerParked = false  // connection suspended inside the content reader
        var waiters: [(id: UInt64, continuation: CheckedContinuation<Void, Never>)] = []
        var nextWaiterID: UInt64 = 0

        var buffered: Int { bytes.count - readOffset }
        var closed: Bool { finished || failed || aborted || clientGone }
    }

    /// Bytes buffered before `write` waits.
    let capacity: Int
    private let control: ConnectionControl
    private let state = Mutex(State())

    init(capacity: Int, control: ConnectionControl) {
        self.capacity = capacity
        self.control = control
    }

    /// Whether the client is gone or the response was aborted; further writes throw `.clientGone`.
    public var isClientGone: Bool {
        state.withLock { $0.clientGone || $0.aborted }
    }

    /// Queues `bytes` for the client, waiting while the buffer is full.
    public func write(_ bytes: [UInt8]) async throws(ResponseStreamError) {
        while true {
            let accepted = try state.withLock { (state) throws(ResponseStreamError) -> Bool in
                if state.closed { throw .clientGone }
                guard state.buffered < capacity else { return false }
                state.bytes.append(contentsOf: bytes)
                wakeReader(&state)
                return true
            }
            if accepted { return }
            if Task.isCancelled { throw .cancelled }
            await waitForSpace()
        }
    }

    /// Queues the UTF-8 bytes of `text`.
    public func write(_ text: String) async throws(ResponseStreamError) {
        try await write(Array(text.utf8))
    }

    /// Whether a writer is waiting for buffer space (tests observe backpressure with this).
    var isWaitingForSpace: Bool {
        state.withLock { !$0.waiters.isEmpty }
    }

    // MARK: Consumer side (libmicrohttpd thread)

    /// Copies buffered bytes into `destination`, or parks the connection when there are none yet.
    func read(into destination: UnsafeMutableRawBufferPointer) -> ReadResult {
        let (result, woken) = state.withLock { state -> (ReadResult, [CheckedContinuation<Void, Never>]) in
            if state.aborted || state.clientGone { return (.failed, []) }
            if state.buffered > 0 {
                let count = min(state.buffered, destination.count)
                // Sound: both ranges are in bounds (count ≤ buffered and ≤ destination.count), and
                // libmicrohttpd keeps `destination` valid for the duration of the content-reader call.
                unsafe state.bytes.withUnsafeBytes { source in
                    unsafe destination.baseAddress!.copyMemory(
                        from: source.baseAddress! + state.readOffset, byteCount: count)
                }
                state.readOffset += count
                compact(&state)
                let woken = state.buffered < capacity ? takeWaiters(&state) : []
                return (.bytes(count), woken)
            }
            if state.failed { return (.failed, []) }
            if state.finished { return (.endOfStream, []) }
            state.readerParked = true
            control.suspend()
            return (.parked, [])
        }
        woken.forEach { $0.resume() }
        return result
    }

    // MARK: Lifecycle events

    /// The producer returned: send the rest, then end the chunked body.
    func finish() {
        state.withLock { state in
            state.finished = true
            wakeReader(&state)
        }
    }

    /// The producer threw: send the rest, then close the connection without the final chunk.
    func fail() {
        state.withLock { state in
            state.failed = true
            wakeReader(&state)
        }
    }

    /// Deadline or shutdown: drop the rest, fail writes, and make the reader close the connection.
    func abort() {
        let woken = state.withLock { state in
            state.aborted = true
            wakeReader(&state)
            return takeWaiters(&state)
        }
        woken.forEach { $0.resume() }
    }

    /// libmicrohttpd completed the request (sent, client hung up, timed out); the reader is never called again.
    func clientDisconnected() {
        let woken = state.withLock { state in
            state.clientGone = true
            state.readerParked = false
            state.bytes = []
            state.readOffset = 0
            return takeWaiters(&state)
        }
        woken.forEach { $0.resume() }
    }

    // MARK: Helpers (called with the lock held)

    private func wakeReader(_ state: inout State) {
        guard state.readerParked else { return }
        state.readerParked = false
        control.resume()
    }

    private func takeWaiters(_ state: inout State) -> [CheckedContinuation<Void, Never>] {
        defer { state.waiters = [] }
        return state.waiters.map(\.continuation)
    }

    private func compact(_ state: inout State) {
        if state.readOffset == state.bytes.count {
            state.bytes.removeAll(keepingCapacity: true)
            state.readOffset = 0
        } else if state.readOffset >= 65_536 && state.readOffset * 2 >= state.bytes.count {
            state.bytes.removeFirst(state.readOffset)
            state.readOffset = 0
        }
    }

    private func waitForSpace() async {
        let id = state.withLock { state in
            state.nextWaiterID += 1
            return state.nextWaiterID
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let readyNow = state.withLock { state in
                    if state.buffered < capacity || state.closed || Task.isCancelled { return true }
                    state.waiters.append((id: id, continuation: continuation))
                    return false
                }
                if readyNow { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { state in
                state.waiters.firstIndex { $0.id == id }.map { state.waiters.remove(at: $0).continuation }
            }
            waiter?.resume()
        }
    }
}
