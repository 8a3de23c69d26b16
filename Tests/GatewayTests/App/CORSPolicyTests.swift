import HTTPServer
import Testing

@testable import Gateway

/// Preflights and response headers for allowed and refused origins, without sockets.
@Suite struct CORSPolicyTests {
    let policy = CORSPolicy(apiOrigins: ["https://app.example"])

    func preflight(origin: String, method: String = "POST", path: String = "/v1/chat/completions") -> Response {
        let request = Request(
            id: "r", method: "OPTIONS", path: path,
            headers: [
                "Origin": origin, "Access-Control-Request-Method": method,
                "Access-Control-Request-Headers": "authorization, content-type",
            ])
        return policy.preflight(request, origin: origin, requestedMethod: method, methods: ["POST"])
    }

    @Test func anAllowedOriginsPreflightIsAnswered() {
        let response = preflight(origin: "https://app.example")
        #expect(response.status == 204)
        #expect(response.headers["Access-Control-Allow-Origin"] == "https://app.example")
        #expect(response.headers["Access-Control-Allow-Methods"] == "POST, OPTIONS")
        #expect(response.headers["Access-Control-Allow-Headers"] == "authorization, content-type")
        #expect(response.headers["Access-Control-Allow-Credentials"] == nil)
    }

    @Test(arguments: ["https://evil.example", "https://app.example.evil", "null", ""])
    func anotherOriginsPreflightIsRefused(origin: String) {
        let response = preflight(origin: origin)
        #expect(response.status == 403)
        #expect(response.headers["Access-Control-Allow-Origin"] == nil)
    }

    @Test func aMethodTheRouteDoesNotServeIsRefused() {
        #expect(preflight(origin: "https://app.example", method: "DELETE").status == 403)
    }

    @Test func theGatewayAdmitsAnyOriginByDefault() {
        #expect(policy.allowedOrigin("https://anyone.example", path: "/ipfs/bafy") == "*")
        #expect(policy.allowedOrigin("https://anyone.example", path: "/v1/models") == nil)
        var response = Response.text(200, "x")
        policy.decorate(&response, origin: "https://app.example", path: "/v1/models")
        #expect(response.headers["Access-Control-Allow-Origin"] == "https://app.example")
        #expect(response.headers["Vary"] == "Origin")
    }

    @Test(arguments: [
        ("authorization, content-type", true), ("x-stainless-os", true), ("a\r\nSet-Cookie: x", false),
        (String(repeating: "a", count: 2000), false),
    ])
    func onlyPlainHeaderListsAreEchoed(value: String, echoed: Bool) {
        #expect(CORSPolicy.isHeaderList(value) == echoed)
    }
}
