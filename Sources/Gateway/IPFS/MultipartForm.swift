import System

/// `multipart/form-data` bodies (RFC 7578), as kubo's RPC clients upload files: strict framing, bounded part count.
struct MultipartForm {
    /// One part: its headers' name and filename, and its bytes.
    struct Part: Equatable {
        var name: String?
        var filename: String?
        var contentType: String?
        var body: ArraySlice<UInt8>
    }

    /// The most parts accepted in one body.
    static let maximumParts = 1024

    /// The boundary of a `Content-Type: multipart/form-data; boundary=…` header.
    static func boundary(contentType: String?) -> String? {
        guard let contentType else { return nil }
        let parts = contentType.split(separator: ";").map { $0.trimmingSpaces }
        guard parts.first?.lowercased() == "multipart/form-data" else { return nil }
        for parameter in parts.dropFirst() where parameter.lowercased().hasPrefix("boundary=") {
            var value = parameter.dropFirst("boundary=".count)
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = value.dropFirst().dropLast() }
            guard (1...70).contains(value.utf8.count) else { return nil }
            return String(value)
        }
        return nil
    }

    /// Splits `body` into parts; nil when the framing is not valid multipart.
    static func parse(_ body: [UInt8], boundary: String) -> [Part]? {
        let delimiter = Array("--\(boundary)".utf8)
        guard var cursor = find(delimiter, in: body, from: 0) else { return nil }
        var parts: [Part] = []
        while true {
            cursor += delimiter.count
            if body[cursor...].starts(with: Array("--".utf8)) { return parts }  // the closing delimiter
            guard body[cursor...].starts(with: [13, 10]) else { return nil }
            cursor += 2
            guard let headerEnd = find([13, 10, 13, 10], in: body, from: cursor) else { return nil }
            guard var part = headers(body[cursor..<headerEnd]) else { return nil }
            let contentStart = headerEnd + 4
            guard let next = find([13, 10] + delimiter, in: body, from: contentStart) else { return nil }
            part.body = body[contentStart..<next]
            parts.append(part)
            guard parts.count <= maximumParts else { return nil }
            cursor = next + 2
        }
    }

    private static func headers(_ bytes: ArraySlice<UInt8>) -> Part? {
        guard let text = String(validating: bytes, as: UTF8.self) else { return nil }
        var part = Part(body: [])
        for line in text.split(separator: "\r\n") {
            guard let colon = line.firstIndex(of: ":") else { return nil }
            let name = line[..<colon].lowercased()
            let value = line[line.index(after: colon)...].trimmingSpaces
            switch name {
            case "content-disposition":
                for parameter in value.split(separator: ";").dropFirst().map({ $0.trimmingSpaces }) {
                    guard let equals = parameter.firstIndex(of: "=") else { continue }
                    var argument = parameter[parameter.index(after: equals)...]
                    if argument.hasPrefix("\""), argument.hasSuffix("\""), argument.count >= 2 {
                        argument = argument.dropFirst().dropLast()
                    }
                    switch parameter[..<equals].lowercased() {
                    case "name": part.name = String(argument)
                    case "filename": part.filename = String(argument)
                    default: break
                    }
                }
            case "content-type": part.contentType = value
            default: break
            }
        }
        return part
    }

    /// The first index of `needle` in `haystack` at or after `start`.
    static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard let first = needle.first, needle.count <= haystack.count else { return nil }
        var index = start
        let last = haystack.count - needle.count
        while index <= last {
            guard let hit = haystack[index...last].firstIndex(of: first) else { return nil }
            if haystack[hit..<hit + needle.count].elementsEqual(needle) { return hit }
            index = hit + 1
        }
        return nil
    }
}
