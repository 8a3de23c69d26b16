import TestSupport
import Testing

@testable import TOML

@Suite struct TOMLFuzzTests {
    static let seedDocument = Array(
        """
        # seed
        [server]
        host = "127.0.0.1"
        port = 5_010
        hex = 0xdead_beef
        f = -6.626e-34
        s = "esc \\u00E9 \\t \\"q\\""
        l = 'C:\\x'
        m = \"\"\"
        multi \\
          line\"\"\"
        ml = '''
        raw'''
        a = [1, [2, "x"], { k = true },]
        [[miners]]
        id = "a"
        t = { x.y = 1, z = [] }
        [a.b."c d"]
        """.utf8)

    /// Bytes that steer mutations into interesting parser states.
    static let tokens: [[UInt8]] = [
        "[", "]", "[[", "]]", "{", "}", "\"", "'", "\"\"\"", "'''", "\\", "\\u", "=", ".", ",", "#", "\n", "\r", "\r\n",
        "0x", "_", "e", "+", "-", "inf", "nan", "true", " ", "\t", "\u{0}", "é",
    ].map { Array($0.utf8) }

    @Test func randomBytesNeverCrash() {
        var random = SplitMix64(seed: 0x5EED_0001)
        for _ in 0..<3000 {
            let count = Int.random(in: 0..<64, using: &random)
            let bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &random) }
            _ = try? TOMLDocument(parsing: bytes)
            let ascii = bytes.map { $0 & 0x7F }
            _ = try? TOMLDocument(parsing: ascii)
        }
    }

    @Test func mutatedDocumentsNeverCrash() {
        var random = SplitMix64(seed: 0x5EED_0002)
        #expect((try? TOMLDocument(parsing: Self.seedDocument)) != nil, "the seed document must be valid")
        var accepted = 0
        for _ in 0..<5000 {
            let bytes = ByteMutation.mutate(Self.seedDocument, tokens: Self.tokens, using: &random)
            if let document = try? TOMLDocument(parsing: bytes) {
                accepted += 1
                // Round trip: what we render, we parse back to the same value (NaN never compares equal).
                let rendered = TOMLSyntax.rendered(.table(document.root))
                if !rendered.contains("nan") {
                    let reparsed = try? TOMLDocument(parsing: "x = " + rendered)
                    #expect(reparsed?.root["x"] == .table(document.root), "\(rendered)")
                }
            }
        }
        // Both branches must be exercised for the fuzzing to mean anything.
        #expect(accepted > 0 && accepted < 5000)
    }
}
