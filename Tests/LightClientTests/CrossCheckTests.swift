import Foundation
import Hashing
import LightClient
import System
import TestSupport
import Testing

/// Random inputs checked against PyPI's pycryptodome (keccak), rlp and eth-abi, in both directions: the
/// reference's output must equal ours, and the reference must decode our encodings to the original values.
@Suite struct CrossCheckTests {
    static func randomBytes(_ generator: inout SplitMix64, maxCount: Int) -> [UInt8] {
        (0..<Int(generator.next() % UInt64(maxCount + 1))).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
    }

    @Test func keccakAgainstPycryptodome() async throws {
        var generator = SplitMix64(seed: 10)
        let inputs = (0..<200).map { _ in Self.randomBytes(&generator, maxCount: 600) }
        let answer = try await ReferencePython.ask(["keccak": inputs.map { Hex.encode($0, prefixed: false) }])
        let digests = try #require(answer["keccak"] as? [String])
        #expect(digests == inputs.map { Hex.encode(Keccak256.hash($0), prefixed: false) })
    }

    static func json(_ item: RLPItem) -> Any {
        switch item {
        case .bytes(let bytes): Hex.encode(bytes, prefixed: false)
        case .list(let items): items.map(json)
        }
    }

    static func item(_ json: Any) throws -> RLPItem {
        if let text = json as? String { return .bytes(try #require(Hex.decode(text))) }
        return .list(try #require(json as? [Any]).map(item))
    }

    static func randomItem(_ generator: inout SplitMix64, depth: Int) -> RLPItem {
        if depth < 4 && generator.next() % 3 == 0 {
            return .list((0..<Int(generator.next() % 5)).map { _ in randomItem(&generator, depth: depth + 1) })
        }
        let maxCounts = [0, 1, 1, 2, 55, 56, 60, 1100]
        return .bytes(randomBytes(&generator, maxCount: maxCounts[Int(generator.next() % UInt64(maxCounts.count))]))
    }

    @Test func rlpAgainstPyRLP() async throws {
        var generator = SplitMix64(seed: 11)
        let items = (0..<200).map { _ in Self.randomItem(&generator, depth: 0) }
        let answer = try await ReferencePython.ask(["rlp": items.map(Self.json)])
        let results = try #require(answer["rlp"] as? [[String: Any]])
        try #require(results.count == items.count)
        for (item, result) in zip(items, results) {
            #expect(result["encoded"] as? String == Hex.encode(item.encoded, prefixed: false))
            #expect(try Self.item(try #require(result["decoded"])) == item)
        }
    }

    /// Corrupted encodings (a byte changed, cut short, a byte appended): pyrlp and we accept and reject the same
    /// inputs, and agree on what the accepted ones hold.
    @Test func rlpStrictnessAgainstPyRLP() async throws {
        var generator = SplitMix64(seed: 12)
        var inputs: [[UInt8]] = []
        for _ in 0..<400 {
            var encoded = Self.randomItem(&generator, depth: 0).encoded
            switch generator.next() % 3 {
            case 0: encoded[Int(generator.next() % UInt64(encoded.count))] = UInt8(truncatingIfNeeded: generator.next())
            case 1: encoded.removeLast(Int(generator.next() % UInt64(encoded.count)))
            default: encoded.append(UInt8(truncatingIfNeeded: generator.next()))
            }
            inputs.append(encoded)
        }
        let answer = try await ReferencePython.ask(["rlpDecode": inputs.map { Hex.encode($0, prefixed: false) }])
        let results = try #require(answer["rlpDecode"] as? [Any])
        try #require(results.count == inputs.count)
        for (input, result) in zip(inputs, results) {
            let ours = try? RLPDecoder().decode(input)
            let theirs = result is NSNull ? nil : try Self.item(result)
            #expect(ours == theirs, "\(Hex.encode(input))")
        }
    }

    /// Our value in the reference's tagged JSON form.
    static func tagged(_ value: ABIValue) -> [String: Any] {
        switch value {
        case .uint(let number): ["uint": number.description]
        case .int(let number): ["int": number.description]
        case .address(let address): ["address": address.checksummed]
        case .bool(let flag): ["bool": flag]
        case .fixedBytes(let bytes), .bytes(let bytes): ["bytes": Hex.encode(bytes, prefixed: false)]
        case .string(let text): ["string": text]
        case .array(let items), .tuple(let items): ["list": items.map(tagged)]
        }
    }

    /// The canonical text reference.py prints for eth-abi's decoded values (addresses come back as lowercase hex).
    static func canonical(_ value: ABIValue) -> String {
        switch value {
        case .uint(let number): "n:\(number)"
        case .int(let number): "n:\(number)"
        case .address(let address): "s:" + Hex.encode(Hex.encode(address.bytes).utf8, prefixed: false)
        case .bool(let flag): "bool:\(flag)"
        case .fixedBytes(let bytes), .bytes(let bytes): "b:" + Hex.encode(bytes, prefixed: false)
        case .string(let text): "s:" + Hex.encode(text.utf8, prefixed: false)
        case .array(let items), .tuple(let items): "l:[" + items.map(canonical).joined(separator: ",") + "]"
        }
    }

    @Test func checksumsAgainstEthUtils() async throws {
        var generator = SplitMix64(seed: 14)
        let addresses = (0..<200).map { _ in
            Address(bytes: (0..<20).map { _ in UInt8(truncatingIfNeeded: generator.next()) })!
        }
        let answer = try await ReferencePython.ask(["checksum": addresses.map { Hex.encode($0.bytes) }])
        #expect(answer["checksum"] as? [String] == addresses.map(\.checksummed))
    }

    @Test func abiAgainstEthABI() async throws {
        var generator = SplitMix64(seed: 13)
        var cases: [(types: [ABIType], values: [ABIValue], encoded: [UInt8])] = []
        for _ in 0..<150 {
            let types = (0..<Int(generator.next() % 4 + 1)).map { _ in
                ABIStrictnessTests.randomType(&generator, depth: 0)
            }
            let values = types.map { ABIStrictnessTests.randomValue($0, &generator) }
            cases.append((types, values, try ABI.encode(values, as: types)))
        }
        let request = cases.map { types, values, encoded -> [String: Any] in
            [
                "types": types.map(\.description), "values": values.map(Self.tagged),
                "encoded": Hex.encode(encoded, prefixed: false),
            ]
        }
        let answer = try await ReferencePython.ask(["abi": request])
        let results = try #require(answer["abi"] as? [[String: Any]])
        try #require(results.count == cases.count)
        for (testCase, result) in zip(cases, results) {
            let theirs = try #require(result["encoded"] as? String)
            #expect(theirs == Hex.encode(testCase.encoded, prefixed: false), "\(testCase.types)")
            #expect(result["decoded"] as? String == Self.canonical(.array(testCase.values)), "\(testCase.types)")
            #expect(try ABI.decode(testCase.types, from: Hex.decode(theirs)!) == testCase.values)
        }
    }
}
