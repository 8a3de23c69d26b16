import Testing

@testable import HTTPServer

@Suite struct SocketTextTests {
    /// The hand-written IPv4 text is inet_ntop's: decimal octets, most significant first, no leading zeros.
    @Test(arguments: [
        ("0.0.0.0", 0 as UInt32), ("127.0.0.1", 0x7F00_0001), ("10.0.200.9", 0x0A00_C809),
        ("192.168.1.100", 0xC0A8_0164), ("255.255.255.255", 0xFFFF_FFFF), ("1.20.100.255", 0x0114_64FF),
    ])
    func dottedQuad(_ text: String, _ address: UInt32) {
        #expect(SocketText.dottedQuad(address) == text)
    }
}
