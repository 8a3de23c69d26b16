/// A response whose head has arrived and whose body is still on the wire.
public struct HTTPStreamingResponse: Sendable {
    /// The status line and header fields.
    public let head: HTTPResponseHead
    /// The body, read once, chunk by chunk.
    public let body: HTTPBodyStream
}

/// The body of a streaming response as byte chunks. Single pass, one iterator at a time.
///
/// Bytes wait in a bounded buffer; when it is full the transfer pauses until the consumer catches up.
/// Cancelling the consuming task, or dropping the stream and its iterators before the end, aborts the transfer.
public struct HTTPBodyStream: AsyncSequence, Sendable {
    /// A chunk of body bytes, never empty.
    public typealias Element = [UInt8]
    /// Transport failures, timeouts and cancellation end the sequence with this error.
    public typealias Failure = HTTPClientError

    /// Aborts the transfer once the last stream or iterator holding it goes away.
    final class Owner: Sendable {
        let transfer: Transfer
        init(_ transfer: Transfer) { self.transfer = transfer }
        deinit { transfer.fail(.cancelled) }
    }

    let owner: Owner

    init(transfer: Transfer) {
        owner = Owner(transfer)
    }

    /// Creates the iterator.
    public func makeAsyncIterator() -> Iterator {
        Iterator(owner: owner)
    }

    /// Aborts the transfer now; later reads throw `.cancelled`.
    public func cancel() {
        owner.transfer.fail(.cancelled)
    }

    /// Reads chunks from the transfer's buffer, suspending while it is empty.
    public struct Iterator: AsyncIteratorProtocol, Sendable {
        let owner: Owner
        private var isDone = false

        init(owner: Owner) {
            self.owner = owner
        }

        /// The next chunk, or `nil` at the end of the body.
        public mutating func next() async throws(HTTPClientError) -> [UInt8]? {
            guard !isDone else { return nil }
            let transfer = owner.transfer
            return try settle(await transfer.nextChunk())
        }

        /// The next chunk, or `nil` at the end of the body (isolation-preserving form).
        public mutating func next(isolation actor: isolated (any Actor)?) async throws(HTTPClientError) -> [UInt8]? {
            guard !isDone else { return nil }
            let transfer = owner.transfer
            return try settle(await transfer.nextChunk())
        }

        private mutating func settle(_ result: Result<[UInt8]?, HTTPClientError>) throws(HTTPClientError) -> [UInt8]? {
            switch result {
            case .success(let chunk?):
                return chunk
            case .success(nil):
                isDone = true
                return nil
            case .failure(let error):
                isDone = true
                throw error
            }
        }
    }
}
