import Hashing
import System
import Testing

@Suite struct SHA3Tests {
    @Test(arguments: [
        ("", "a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a"),
        ("abc", "3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532"),
    ])
    func fips202Vectors(input: String, expected: String) {
        #expect(SHA3_256.hash(Array(input.utf8)).hexString == expected)
    }
}
