import HTTPServer
import Testing

@testable import Gateway

@Suite struct PresentedKeyTests {
    @Test(arguments: [
        ("Bearer k1", "k1" as String?), ("bearer k1", "k1"), ("BEARER  k1 ", "k1"), (" Bearer k1", "k1"),
        ("Bearer", nil), ("Basic abc", nil), ("Bearer é-key", "é-key"), ("Bearerk1", nil),
        ("Bearer ", nil), ("Bearer  ", ""), ("   ", nil), ("", nil), ("  bearer   k3  x", "k3  x"),
    ])
    func fromAuthorization(_ authorization: String, _ expected: String?) {
        #expect(Authenticator.presentedKey(in: ["Authorization": authorization]) == expected)
    }

    @Test func fallsBackToXAPIKey() {
        #expect(Authenticator.presentedKey(in: ["Authorization": "Basic abc", "X-API-Key": " k2 "]) == "k2")
        #expect(Authenticator.presentedKey(in: ["X-API-Key": ""]) == nil)
    }
}
