import Testing

@testable import Gateway

@Suite struct MultipartFormTests {
    static func body(_ parts: [(headers: String, content: String)], boundary: String = "XyZ") -> [UInt8] {
        var text = "preamble\r\n"
        for part in parts { text += "--\(boundary)\r\n\(part.headers)\r\n\r\n\(part.content)\r\n" }
        return Array((text + "--\(boundary)--\r\nepilogue").utf8)
    }

    @Test func boundaryFromContentType() {
        #expect(MultipartForm.boundary(contentType: "multipart/form-data; boundary=XyZ") == "XyZ")
        #expect(MultipartForm.boundary(contentType: "Multipart/Form-Data;boundary=\"a b\"") == "a b")
        #expect(MultipartForm.boundary(contentType: "application/json") == nil)
        #expect(MultipartForm.boundary(contentType: "multipart/form-data") == nil)
        #expect(
            MultipartForm.boundary(contentType: "multipart/form-data; boundary=" + String(repeating: "x", count: 71))
                == nil)
    }

    @Test func partsWithNamesFilenamesAndBinaryContent() throws {
        let body = Self.body([
            ("Content-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\nContent-Type: text/plain", "alpha"),
            ("Content-Disposition: form-data; name=file", "--XyZ is only a delimiter after CRLF\r\nsecond line"),
            ("Content-Disposition: form-data; name=\"empty\"", ""),
        ])
        let parts = try #require(MultipartForm.parse(body, boundary: "XyZ"))
        #expect(parts.count == 3)
        #expect(parts[0].name == "file" && parts[0].filename == "a.txt" && parts[0].contentType == "text/plain")
        #expect(Array(parts[0].body) == Array("alpha".utf8))
        #expect(Array(parts[1].body) == Array("--XyZ is only a delimiter after CRLF\r\nsecond line".utf8))
        #expect(parts[2].body.isEmpty)
    }

    @Test func malformedBodiesAreRejected() {
        let bad: [String] = [
            "no delimiter at all",
            "--XyZ\r\nContent-Disposition: form-data\r\n\r\nunterminated",
            "--XyZ\r\nheader without colon\r\n\r\nx\r\n--XyZ--",
            "--XyZ no CRLF after the delimiter",
            "--XyZ\r\nContent-Disposition: form-data",
        ]
        for text in bad {
            #expect(MultipartForm.parse(Array(text.utf8), boundary: "XyZ") == nil, "\(text)")
        }
        #expect(MultipartForm.parse(Array("--XyZ--".utf8), boundary: "XyZ") == [])
    }
}
