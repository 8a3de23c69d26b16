import Testing

@testable import HTTPServer

@Suite struct ConnectionTableTests {
    private let start = ContinuousClock.now
    private let limits = ConnectionTable.Limits(
        headTimeout: .seconds(10), bodyTimeout: .seconds(30), idleTimeout: .seconds(60), connectionLimit: 3)

    private func at(_ seconds: Int) -> ContinuousClock.Instant { start + .seconds(seconds) }

    @Test func underTheLimitNothingIsShed() {
        var table = ConnectionTable(limits: limits)
        #expect(table.opened(10, at: at(0)) == nil)
        #expect(table.opened(11, at: at(1)) == nil)
        #expect(table.opened(12, at: at(2)) == nil)
        #expect(table.count == 3)
    }

    @Test func atTheLimitTheLongestWaitingConnectionIsShed() {
        var table = ConnectionTable(limits: limits)
        _ = table.opened(10, at: at(0))
        _ = table.opened(11, at: at(1))
        _ = table.opened(12, at: at(2))
        #expect(table.opened(13, at: at(3)) == 10)
        #expect(table.count == 3)
        #expect(table.opened(14, at: at(4)) == 11)
    }

    @Test func aConnectionAtWorkIsNeverShed() {
        var table = ConnectionTable(limits: limits)
        for socket: Int32 in 10...12 {
            _ = table.opened(socket, at: at(0))
            _ = table.headReceived(socket, at: at(0))
        }
        table.handling(10)
        table.handling(12)
        #expect(table.opened(13, at: at(5)) == 11, "the one still sending its body")
        table.handling(13)
        // Every connection is busy: the newcomer is admitted for reserved paths only.
        #expect(table.opened(14, at: at(6)) == nil)
        let reserved = table.headReceived(14, at: at(6))
        #expect(reserved)
    }

    @Test func aKeptAlivePauseIsShedBeforeASlowHeadOfTheSameAge() {
        var table = ConnectionTable(limits: limits)
        _ = table.opened(10, at: at(0))
        _ = table.opened(11, at: at(0))
        _ = table.headReceived(11, at: at(0))
        table.handling(11)
        table.requestCompleted(11, at: at(5))
        _ = table.opened(12, at: at(5))
        table.handling(10)
        #expect(table.opened(13, at: at(6)) == 11)
    }

    @Test func aReservedConnectionServesNormallyOnceThereIsRoom() {
        var table = ConnectionTable(limits: limits)
        for socket: Int32 in 10...12 {
            _ = table.opened(socket, at: at(0))
            table.handling(socket)
        }
        #expect(table.opened(13, at: at(1)) == nil)
        table.closed(10)
        let reserved = table.headReceived(13, at: at(2))
        #expect(!reserved)
    }

    @Test func eachWaitHasItsOwnDeadline() {
        var table = ConnectionTable(limits: limits)
        _ = table.opened(10, at: at(0))  // head: 10 s
        _ = table.opened(11, at: at(0))
        _ = table.headReceived(11, at: at(5))  // body: 30 s from 5
        _ = table.opened(12, at: at(0))
        _ = table.headReceived(12, at: at(0))
        table.handling(12)
        table.requestCompleted(12, at: at(20))  // keep-alive: 60 s from 20
        #expect(table.removeExpired(at: at(9)).isEmpty)
        #expect(table.removeExpired(at: at(10)) == [10])
        #expect(table.removeExpired(at: at(34)).isEmpty)
        #expect(table.removeExpired(at: at(35)) == [11])
        #expect(table.removeExpired(at: at(79)).isEmpty)
        #expect(table.removeExpired(at: at(80)) == [12])
        #expect(table.isEmpty)
    }

    @Test func aConnectionAtWorkNeverTimesOutHere() {
        var table = ConnectionTable(limits: limits)
        _ = table.opened(10, at: at(0))
        _ = table.headReceived(10, at: at(0))
        table.handling(10)
        #expect(table.removeExpired(at: at(100_000)).isEmpty)
    }

    @Test func eventsForAnUnknownSocketChangeNothing() {
        var table = ConnectionTable(limits: limits)
        let reserved = table.headReceived(99, at: at(0))
        #expect(!reserved)
        table.handling(99)
        table.requestCompleted(99, at: at(0))
        table.closed(99)
        #expect(table.isEmpty)
    }
}

@Suite struct RequestFramingTests {
    private func length(_ fields: [(String, String)]) throws(RequestFraming.Problem) -> Int? {
        try RequestFraming.contentLength(in: HTTPHeaders(fields.map { (name: $0.0, value: $0.1) }))
    }

    @Test(
        arguments: [
            ([], nil),
            ([("Content-Length", "0")], 0),
            ([("Content-Length", "42")], 42),
            ([("content-length", " 42 ")], 42),
            ([("Content-Length", "42"), ("Content-Length", "42")], 42),
            ([("Content-Length", "42, 42")], 42),
            ([("Transfer-Encoding", "chunked")], nil),
            ([("Transfer-Encoding", "Chunked")], nil),
        ] as [([(String, String)], Int?)])
    func acceptedFraming(_ fields: [(String, String)], _ expected: Int?) throws {
        #expect(try length(fields) == expected)
    }

    @Test(
        arguments: [
            ([("Content-Length", "5"), ("Content-Length", "6")], .conflictingContentLengths),
            ([("Content-Length", "5, 6")], .conflictingContentLengths),
            ([("Content-Length", "-5")], .invalidContentLength),
            ([("Content-Length", "+5")], .invalidContentLength),
            ([("Content-Length", "")], .invalidContentLength),
            ([("Content-Length", "5 5")], .invalidContentLength),
            ([("Content-Length", "0x10")], .invalidContentLength),
            ([("Content-Length", "9999999999999999999999")], .invalidContentLength),
            ([("Content-Length", "5"), ("Transfer-Encoding", "chunked")], .contentLengthWithTransferEncoding),
            ([("Transfer-Encoding", "chunked"), ("Content-Length", "5")], .contentLengthWithTransferEncoding),
            ([("Transfer-Encoding", "xchunked")], .unsupportedTransferEncoding),
            ([("Transfer-Encoding", "gzip, chunked")], .unsupportedTransferEncoding),
            ([("Transfer-Encoding", "chunked"), ("Transfer-Encoding", "chunked")], .unsupportedTransferEncoding),
            ([("Transfer-Encoding", "identity")], .unsupportedTransferEncoding),
        ] as [([(String, String)], RequestFraming.Problem)])
    func refusedFraming(_ fields: [(String, String)], _ problem: RequestFraming.Problem) {
        #expect(throws: problem) { try length(fields) }
    }

    @Test(arguments: ["GET", "HEAD"])
    func aBodylessMethodWithABodyIsRefused(_ method: String) throws {
        let fields = { (name: String, value: String) in HTTPHeaders([(name: name, value: value)]) }
        #expect(throws: RequestFraming.Problem.bodyWithoutMeaning) {
            try RequestFraming.contentLength(in: fields("Content-Length", "1048576"), method: method)
        }
        #expect(throws: RequestFraming.Problem.bodyWithoutMeaning) {
            try RequestFraming.contentLength(in: fields("Transfer-Encoding", "chunked"), method: method)
        }
        #expect(try RequestFraming.contentLength(in: fields("Content-Length", "0"), method: method) == 0)
        #expect(try RequestFraming.contentLength(in: fields("Content-Length", "5"), method: "POST") == 5)
    }
}
