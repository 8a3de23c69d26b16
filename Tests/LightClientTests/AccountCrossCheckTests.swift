import Foundation
import JSON
import LightClient
import System
import TestSupport
import Testing

/// Runs `Fixtures/accounts.py` (eth-account, eth-keys) under the test Python (see `TestPython`).
enum AccountsPython {
    static func ask(_ request: [String: Any]) async throws -> [String: Any] {
        try await TestPython.ask("Tests/LightClientTests/Fixtures/accounts.py", request)
    }
}

/// Random keys, messages, typed data, transactions and keystores checked against eth-account in both directions:
/// its signatures and encodings must equal ours, and it must accept and recover what we produce.
@Suite struct AccountCrossCheckTests {
    static func bytes(_ generator: inout SplitMix64, _ count: Int) -> [UInt8] {
        (0..<count).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
    }

    static func key(_ generator: inout SplitMix64) -> PrivateKey {
        while true {
            if let key = try? PrivateKey(bytes: bytes(&generator, 32)) { return key }
        }
    }

    /// A number of random width, from zero up to 2^256 − 1.
    static func number(_ generator: inout SplitMix64) -> UInt256 {
        UInt256(bigEndianBytes: bytes(&generator, Int(generator.next() % 33)))!
    }

    static func hex(_ bytes: [UInt8]) -> String { Hex.encode(bytes, prefixed: false) }

    @Test func keysAgainstEthKeys() async throws {
        var generator = SplitMix64(seed: 50)
        let keys = (0..<50).map { _ in Self.key(&generator) }
        let answer = try #require(
            try await AccountsPython.ask(["keys": keys.map { Self.hex($0.secretBytes) }])["keys"] as? [[String: String]]
        )
        for (key, theirs) in zip(keys, answer) {
            #expect(theirs["address"] == key.address.checksummed)
            #expect(theirs["publicKey"] == Self.hex(key.publicKey.bytes))
        }
    }

    @Test func personalMessagesBothWays() async throws {
        var generator = SplitMix64(seed: 51)
        let cases = (0..<50).map { _ in (Self.key(&generator), Self.bytes(&generator, Int(generator.next() % 200))) }
        let ours = cases.map { PersonalMessage.sign($0.1, with: $0.0) }
        let answer = try await AccountsPython.ask([
            "personal": cases.map { ["key": Self.hex($0.0.secretBytes), "message": Self.hex($0.1)] },
            "recoverPersonal": zip(cases, ours).map { ["message": Self.hex($0.1), "signature": Self.hex($1.bytes)] },
        ])
        let signatures = try #require(answer["personal"] as? [String])
        let recovered = try #require(answer["recoverPersonal"] as? [String])
        for index in cases.indices {
            #expect(signatures[index] == Self.hex(ours[index].bytes))
            #expect(recovered[index] == cases[index].0.address.checksummed)
        }
    }

    /// Typed data with nested structs, struct arrays, fixed and nested arrays, bytes, strings, signed integers.
    static func typedData(_ generator: inout SplitMix64) -> JSONValue {
        func person(_ generator: inout SplitMix64) -> JSONValue {
            let wallets = (0..<Int(generator.next() % 3)).map { _ in
                JSONValue.string(Address(bytes: bytes(&generator, 20))!.checksummed)
            }
            return [
                "name": .string("p\(generator.next() % 1000) ♥"), "wallets": .array(wallets),
                "age": .int(Int64(generator.next() % 256)), "score": .int(Int64(bitPattern: generator.next())),
            ]
        }
        let members = (0..<Int(generator.next() % 3)).map { _ in person(&generator) }
        let nested: [JSONValue] = (0..<Int(generator.next() % 3)).map { _ in
            .array((0..<Int(generator.next() % 3)).map { _ in .int(Int64(generator.next() % 65536)) })
        }
        let fields: (String, String) -> JSONValue = { ["name": .string($0), "type": .string($1)] }
        return [
            "types": [
                "EIP712Domain": [
                    fields("name", "string"), fields("version", "string"), fields("chainId", "uint256"),
                    fields("verifyingContract", "address"), fields("salt", "bytes32"),
                ],
                "Person": [
                    fields("name", "string"), fields("wallets", "address[]"), fields("age", "uint8"),
                    fields("score", "int64"),
                ],
                "Group": [
                    fields("name", "string"), fields("members", "Person[]"), fields("owner", "Person"),
                    fields("tags", "bytes32[2]"), fields("blob", "bytes"), fields("open", "bool"),
                    fields("nested", "uint16[][]"),
                ],
            ],
            "primaryType": "Group",
            "domain": [
                "name": "Cortensor", "version": "1", "chainId": .int(Int64(generator.next() % 1_000_000)),
                "verifyingContract": .string(Address(bytes: bytes(&generator, 20))!.checksummed),
                "salt": .string(Hex.encode(bytes(&generator, 32))),
            ],
            "message": [
                "name": .string("group \(generator.next())"), "members": .array(members), "owner": person(&generator),
                "tags": [.string(Hex.encode(bytes(&generator, 32))), .string(Hex.encode(bytes(&generator, 32)))],
                "blob": .string(Hex.encode(bytes(&generator, Int(generator.next() % 70)))),
                "open": .bool(generator.next() % 2 == 0), "nested": .array(nested),
            ],
        ]
    }

    @Test func typedDataAgainstEthAccount() async throws {
        var generator = SplitMix64(seed: 52)
        let cases = (0..<20).map { _ in (Self.key(&generator), Self.typedData(&generator)) }
        let answer = try await AccountsPython.ask([
            "typed": cases.map { ["key": Self.hex($0.0.secretBytes), "data": $0.1.serialized()] }
        ])
        let results = try #require(answer["typed"] as? [[String: String]])
        for ((key, json), theirs) in zip(cases, results) {
            let data = try TypedData(json: json)
            #expect(theirs["digest"] == Self.hex(try data.digest()))
            #expect(theirs["signature"] == Self.hex(try data.sign(with: key).bytes))
        }
    }
}
