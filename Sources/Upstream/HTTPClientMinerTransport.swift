package import HTTPClient
import Synchronization

/// The miner pool's production transport: the libcurl-backed `HTTPClient`.
///
/// The body is bridged pull by pull (`AsyncThrowingStream(unfolding:)`), so no buffer sits between the client's
/// bounded buffer and the pool: a slow consumer pauses the transfer, and dropping the stream aborts it.
package struct HTTPClientMinerTransport: MinerTransport {
    let client: HTTPClient

    /// A transport over `client`.
    package init(client: HTTPClient) {
        self.client = client
    }

    /// The client's event thread, once started: the relay reading a reply runs where its bytes arrive.
    package var preferredExecutor: (any TaskExecutor)? { client.eventLoopExecutor }

    package func open(_ request: MinerHTTPRequest) async throws -> MinerHTTPStream {
        let response = try await client.stream(
            HTTPClientRequest(
                method: request.method, url: request.url, headers: request.headers, body: request.body,
                timeouts: HTTPTimeouts(connect: request.connectTimeout)))
        let reader = BodyReader(response.body.makeAsyncIterator())
        let body = AsyncThrowingStream<[UInt8], any Error>(unfolding: { try await reader.next() })
        return MinerHTTPStream(
            status: response.head.status, headers: response.head.headers.map { (name: $0.name, value: $0.value) },
            body: body)
    }
}

/// Owns the body iterator; `AsyncThrowingStream(unfolding:)` calls `next` one at a time.
private final class BodyReader: Sendable {
    private let iterator: Mutex<HTTPBodyStream.Iterator?>

    init(_ iterator: HTTPBodyStream.Iterator) {
        self.iterator = Mutex(iterator)
    }

    func next() async throws -> [UInt8]? {
        // Take the iterator out for the await (a lock is never held across a suspension), then put it back.
        guard var current = iterator.withLock({ $0.take() }) else { return nil }
        let chunk = try await current.next()
        iterator.withLock { $0 = current }
        return chunk
    }
}
