import Testing
import Upstream

@Suite struct SSEDecoderTests {
    static let sample = Array(
        (": keep-alive comment\n"
            + "data: {\"choices\":[{\"text\":\"h\u{e9}llo\"}]}\n\n"
            + "event: message\r\ndata: line one\r\ndata: line two\r\n\r\n"
            + "id: 7\nretry: 100\ndata:no-space\n\n"
            + "data: [DONE]\n\n").utf8)

    static let expected = [
        SSEEvent(data: "{\"choices\":[{\"text\":\"h\u{e9}llo\"}]}"),
        SSEEvent(event: "message", data: "line one\nline two"),
        SSEEvent(data: "no-space"),
        SSEEvent(data: "[DONE]"),
    ]

    func decode(_ chunks: [[UInt8]]) throws -> [SSEEvent] {
        var decoder = SSEDecoder()
        var events: [SSEEvent] = []
        for chunk in chunks { events += try decoder.feed(chunk) }
        if let last = decoder.finish() { events.append(last) }
        return events
    }

    @Test func decodesAWholeStream() throws {
        #expect(try decode([Self.sample]) == Self.expected)
    }

    @Test func decodesTheStreamSplitAtEveryBytePosition() throws {
        for split in 0...Self.sample.count {
            let chunks = [Array(Self.sample[..<split]), Array(Self.sample[split...])]
            #expect(try decode(chunks) == Self.expected, "split at \(split)")
        }
    }

    @Test func decodesTheStreamOneByteAtATime() throws {
        #expect(try decode(Self.sample.map { [$0] }) == Self.expected)
    }

    @Test func acceptsBareCarriageReturnsEvenAcrossChunks() throws {
        #expect(
            try decode([Array("data: a\r".utf8), Array("\rdata: b\r\r".utf8)]) == [
                SSEEvent(data: "a"), SSEEvent(data: "b"),
            ])
        #expect(try decode([Array("data: a\r".utf8), Array("\n\r\n".utf8)]) == [SSEEvent(data: "a")])
    }

    @Test func ignoresCommentsAndEventsWithoutData() throws {
        #expect(try decode([Array(":ping\n\nevent: x\n\n: another\n\n".utf8)]) == [])
    }

    @Test func emptyDataLineIsAnEmptyEvent() throws {
        #expect(try decode([Array("data\n\ndata:\n\n".utf8)]) == [SSEEvent(data: ""), SSEEvent(data: "")])
    }

    @Test func rejectsOverlongLines() {
        var decoder = SSEDecoder(maxLineBytes: 8)
        #expect(throws: SSEError.lineTooLong(limit: 8)) {
            _ = try decoder.feed(Array("data: 123456789\n".utf8))
        }
    }

    @Test func lineLimitCountsAcrossChunks() throws {
        var decoder = SSEDecoder(maxLineBytes: 8)
        _ = try decoder.feed(Array("data:".utf8))
        #expect(throws: SSEError.lineTooLong(limit: 8)) { _ = try decoder.feed(Array("1234".utf8)) }
    }

    @Test func rejectsEventsWhoseDataLinesPileUpWithoutABlankLine() throws {
        var decoder = SSEDecoder(maxLineBytes: 16, maxEventBytes: 16)
        // Short lines, each within the line limit: 6 bytes counted per line (5 of data, 1 for the joining break).
        #expect(try decoder.feed(Array("data: 12345\ndata: 12345\n".utf8)) == [])
        #expect(throws: SSEError.eventTooLarge(limit: 16)) { _ = try decoder.feed(Array("data: 12345\n".utf8)) }
    }

    @Test func eventLimitStartsAfreshWithEachEvent() throws {
        var decoder = SSEDecoder(maxLineBytes: 16, maxEventBytes: 16)
        for _ in 0..<4 {
            #expect(try decoder.feed(Array("data: 12345\ndata: 12345\n\n".utf8)) == [SSEEvent(data: "12345\n12345")])
        }
    }

    @Test func finishDispatchesCompleteDataButDropsAnUnterminatedLine() throws {
        var decoder = SSEDecoder()
        #expect(try decoder.feed(Array("data: whole\ndata: trunc".utf8)) == [])
        #expect(decoder.finish() == SSEEvent(data: "whole"))
        #expect(decoder.finish() == nil)
    }
}

@Suite struct SSEDecoderByteOrderMarkTests {
    @Test func aLeadingByteOrderMarkIsSkippedOnlyAtTheStart() throws {
        var decoder = SSEDecoder()
        let stream: [UInt8] =
            [0xEF, 0xBB, 0xBF] + Array("data: a\n\n".utf8) + [0xEF, 0xBB, 0xBF] + Array("data: b\n\n".utf8)
        let events = try decoder.feed(stream)
        // The first event survives; a mark later in the stream is part of a line named "\u{FEFF}data", ignored.
        #expect(events == [SSEEvent(data: "a")])
    }
}
