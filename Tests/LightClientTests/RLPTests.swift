import Foundation
import LightClient
import System
import TestSupport
import Testing

/// Runs `Tests/Vectors/ethereum/RLPTests`: valid cases encode to `out` and decode back to `in`; invalid
/// ones are rejected.
@Suite struct RLPTests {
    struct Case: CustomStringConvertible, Sendable {
        let name: String
        let input: RLPItem?  // nil for "INVALID"/"VALID" cases that only give the encoding
        let output: [UInt8]
        var description: String { name }
    }

    static func cases(_ file: String) throws -> [Case] {
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: TestData.url("ethereum/RLPTests/" + file)))
        let tests = try #require(json as? [String: [String: Any]])
        return try tests.keys.sorted().map { name in
            let test = tests[name]!
            let outText = try #require(test["out"] as? String)
            let output = try #require(Hex.decode(outText), "\(name): out")
            let marker = test["in"] as? String
            let input = marker == "INVALID" || marker == "VALID" ? nil : try item(fromJSON: test["in"]!)
            return Case(name: name, input: input, output: output)
        }
    }

    /// The vector files' `in`: strings are bytes, numbers and "#"-prefixed decimals are big-endian integers.
    static func item(fromJSON value: Any) throws -> RLPItem {
        if let list = value as? [Any] { return .list(try list.map(item(fromJSON:))) }
        if let text = value as? String {
            return text.hasPrefix("#") ? .bytes(try bigEndian(decimal: text.dropFirst())) : .string(text)
        }
        let number = try #require(value as? Int)
        return .bytes(try bigEndian(decimal: String(number)))
    }

    /// Arbitrary-precision decimal to minimal big-endian bytes (the vectors go past 2^256).
    static func bigEndian(decimal: some StringProtocol) throws -> [UInt8] {
        var bytes: [UInt8] = []  // little-endian while building
        for character in decimal {
            var carry = try #require(character.wholeNumberValue)
            for index in bytes.indices {
                let value = Int(bytes[index]) * 10 + carry
                bytes[index] = UInt8(value & 0xFF)
                carry = value >> 8
            }
            while carry > 0 {
                bytes.append(UInt8(carry & 0xFF))
                carry >>= 8
            }
        }
        return bytes.reversed()
    }

    @Test(arguments: try cases("rlptest.json") + cases("RandomRLPTests/example.json"))
    func valid(_ vector: Case) throws {
        let decoded = try RLPDecoder().decode(vector.output)
        if let input = vector.input {
            #expect(input.encoded == vector.output)
            #expect(decoded == input)
        }
        #expect(decoded.encoded == vector.output)
    }

    @Test(arguments: try cases("invalidRLPTest.json"))
    func invalid(_ vector: Case) {
        #expect(throws: RLPError.self) { try RLPDecoder().decode(vector.output) }
    }

    @Test func vectorFilesAreThere() throws {
        #expect(try Self.cases("rlptest.json").count == 28)
        #expect(try Self.cases("invalidRLPTest.json").count == 26)
    }

    @Test func typedErrors() {
        func error(_ hex: String, _ decoder: RLPDecoder = RLPDecoder()) -> RLPError? {
            do {
                _ = try decoder.decode(Hex.decode(hex)!)
                return nil
            } catch { return error }
        }
        #expect(error("") == .emptyInput)
        #expect(error("8100") == .nonCanonicalSingleByte(offset: 0))
        #expect(error("b801ff") == .nonCanonicalLength(offset: 0, length: 1))
        #expect(error("b90040") == .leadingZeroInLength(offset: 0))
        #expect(error("c5010203") == .truncated(offset: 0, needed: 6, available: 4))
        #expect(error("0102") == .trailingBytes(offset: 1, count: 1))
        #expect(error("c3c2c1c0") == nil)
        #expect(error("c3c2c1c0", RLPDecoder(maxDepth: 3)) == .depthExceeded(limit: 3))
        #expect(error("c3c2c1c0", RLPDecoder(maxSize: 3)) == .inputTooLarge(limit: 3, found: 4))
        #expect(error("bf0f000000000000021111") == .truncated(offset: 0, needed: 0x0F00_0000_0000_000B, available: 11))
        #expect(error("ffffffffffffffffff00") != nil)
    }

    @Test func integers() throws {
        #expect(RLPItem.uint(0).encoded == [0x80])
        #expect(RLPItem.uint(127).encoded == [0x7F])
        #expect(RLPItem.uint(128).encoded == [0x81, 0x80])
        #expect(try RLPItem.bytes([0x01, 0x00]).uint256Value() == 256)
        #expect(throws: RLPError.leadingZeroInInteger) { try RLPItem.bytes([0, 1]).uint256Value() }
        #expect(throws: RLPError.integerTooLarge(byteCount: 33)) {
            try RLPItem.bytes(.init(repeating: 1, count: 33)).uint256Value()
        }
        #expect(throws: RLPError.expectedList) { try RLPItem.bytes([]).listValue() }
    }

    /// Random nested items encode and decode back to themselves.
    @Test func roundTrip() throws {
        var generator = SplitMix64(seed: 3)
        func randomItem(depth: Int) -> RLPItem {
            if depth < 4 && generator.next() % 3 == 0 {
                return .list((0..<Int(generator.next() % 5)).map { _ in randomItem(depth: depth + 1) })
            }
            let lengths = [0, 1, 1, 2, 55, 56, 57, 300, 70_000]
            let length = lengths[Int(generator.next() % UInt64(lengths.count))]
            return .bytes((0..<length).map { _ in UInt8(truncatingIfNeeded: generator.next() % 300) })
        }
        for _ in 0..<200 {
            let item = randomItem(depth: 0)
            #expect(try RLPDecoder().decode(item.encoded) == item)
        }
    }
}
