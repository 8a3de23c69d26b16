import Testing

@testable import Gateway

@Suite struct MinerReplyContentTypeTests {
    @Test(arguments: [
        ("text/event-stream", true as Bool?), ("Text/Event-Stream; charset=utf-8", true), (" text/event-stream ", true),
        ("application/json", false), ("application/problem+json;x=1", false), ("APPLICATION/JSON", false),
        ("text/plain", nil), ("", nil), ("json", nil), (";text/event-stream", true),
    ])
    func announcesEventStream(_ contentType: String, _ expected: Bool?) {
        #expect(MinerPool.announcesEventStream(contentType: contentType) == expected)
    }
}
