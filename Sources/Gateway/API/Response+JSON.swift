public import HTTPServer
public import JSON

extension Response {
    /// A JSON response.
    public static func json(_ status: Int, _ value: JSONValue) -> Response {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(512)  // one allocation for most bodies instead of a doubling per power of two
        value.serialize(into: &bytes)
        bytes.append(UInt8(ascii: "\n"))
        return Response.bytes(status, contentType: "application/json", bytes)
    }

    /// A text response with an explicit content type (Prometheus, for instance, wants its own).
    public static func text(_ status: Int, _ text: String, contentType: String) -> Response {
        Response.bytes(status, contentType: contentType, Array(text.utf8))
    }
}
