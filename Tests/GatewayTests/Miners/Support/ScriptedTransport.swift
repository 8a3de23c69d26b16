import Gateway
import HTTPServer
import Synchronization

/// An in-memory transport answering canned responses by URL prefix, for wire-format edge cases that a
/// well-behaved fake miner process does not produce. Records every request it gets.
final class ScriptedTransport: MinerTransport {
    /// One canned response: status, headers and the body as the exact chunks to deliver.
    struct Response: Sendable {
        var status = 200
        var headers: [(name: String, value: String)] = [("Content-Type", "text/event-stream")]
        var chunks: [[UInt8]]

        init(status: Int = 200, headers: [(name: String, value: String)]? = nil, chunks: [String]) {
            self.status = status
            if let headers { self.headers = headers }
            self.chunks = chunks.map { Array($0.utf8) }
        }
    }

    private let responses: [(prefix: String, response: Response)]
    private let recorded = Mutex<[MinerHTTPRequest]>([])

    init(_ responses: [(prefix: String, response: Response)]) {
        self.responses = responses
    }

    /// Requests received so far, in order.
    var requests: [MinerHTTPRequest] { recorded.withLock { $0 } }

    func open(_ request: MinerHTTPRequest) async throws -> MinerHTTPStream {
        recorded.withLock { $0.append(request) }
        guard let response = responses.first(where: { request.url.hasPrefix($0.prefix) })?.response else {
            throw SocketClientError.unsupportedURL(request.url)
        }
        let body = AsyncThrowingStream<[UInt8], any Error> { continuation in
            for chunk in response.chunks { continuation.yield(chunk) }
            continuation.finish()
        }
        return MinerHTTPStream(status: response.status, headers: response.headers, body: body)
    }
}
