import Hashing
import LightClient
import System
import TestSupport
import Testing

/// Type grammar, event logs, hostile encodings and random round trips.
@Suite struct ABIStrictnessTests {
    @Test(arguments: [
        "uint256", "int8", "address", "bool", "bytes1", "bytes32", "bytes", "string", "uint256[]", "bytes3[2]",
        "(uint256,(bool,string)[])[3][]", "uint8[1][2][]", "(address)",
    ])
    func typesRoundTrip(_ text: String) throws {
        #expect(try ABIType(parsing: text).description == text)
    }

    @Test func aliases() throws {
        #expect(try ABIType(parsing: "uint") == .uint(bits: 256))
        #expect(try ABIType(parsing: "int[]") == .array(.int(bits: 256)))
    }

    @Test(arguments: [
        "uint7", "uint264", "uint0", "uint08", "int7", "bytes0", "bytes33", "uint256[0]", "uint256[01]", "()",
        "(uint256", "uint256[", "uint256]", "tuple", "uint256 ", "(uint256,)", "Uint256", "",
        String(repeating: "(", count: 40) + "bool" + String(repeating: ")", count: 40), "uint256[100000000]",
    ])
    func invalidTypes(_ text: String) {
        #expect(throws: ABIError.self) { try ABIType(parsing: text) }
    }

    /// Types built in code are checked as parsed ones are, before any encoding or decoding.
    @Test(arguments: [
        ABIType.uint(bits: 7), .int(bits: 264), .fixedBytes(0), .fixedBytes(40), .fixedArray(.bool, count: 0),
        .fixedArray(.bool, count: -1), .tuple([]), .array(.uint(bits: 0)),
    ])
    func invalidTypesBuiltInCode(_ type: ABIType) {
        #expect(throws: ABIError.self) { try ABI.decode([type], from: [UInt8](repeating: 0, count: 64)) }
        #expect(throws: ABIError.self) { try ABI.encode(.array([]), as: type) }
    }

    static func word(_ hex: String) -> [UInt8] {
        let digits = hex.count % 2 == 0 ? hex : "0" + hex
        let bytes = Hex.decode(digits)!
        return [UInt8](repeating: 0, count: 32 - bytes.count) + bytes
    }

    static func decodeError(_ types: [String], _ data: [UInt8]) throws -> ABIError? {
        let parsed = try types.map { try ABIType(parsing: $0) }
        do {
            _ = try ABI.decode(parsed, from: data)
            return nil
        } catch { return error }
    }

    @Test func hostileEncodings() throws {
        let ones = [UInt8](repeating: 0xFF, count: 32)
        #expect(try Self.decodeError(["uint256"], []) == .truncated(offset: 0, needed: 32))
        #expect(try Self.decodeError(["uint8"], Self.word("100")) == .invalidPadding(offset: 0, type: .uint(bits: 8)))
        #expect(try Self.decodeError(["int8"], Self.word("80")) == .invalidPadding(offset: 0, type: .int(bits: 8)))
        #expect(
            try Self.decodeError(["int8"], [0xFE] + ones.dropFirst()) == .invalidPadding(offset: 0, type: .int(bits: 8))
        )
        #expect(try Self.decodeError(["int8"], ones) == nil)
        #expect(try Self.decodeError(["bool"], Self.word("2")) == .invalidBool(offset: 0))
        #expect(try Self.decodeError(["address"], Self.word("1" + String(repeating: "0", count: 40))) != nil)
        #expect(try Self.decodeError(["bytes1"], Self.word("0100")) != nil)
        // A dynamic offset past the end, a length past the end, an absurd length.
        #expect(try Self.decodeError(["bytes"], Self.word("40")) == .offsetOutOfBounds(offset: 0))
        #expect(
            try Self.decodeError(["bytes"], Self.word("20") + Self.word("21")) == .truncated(offset: 64, needed: 64))
        #expect(try Self.decodeError(["uint256[]"], Self.word("20") + ones) == .offsetOutOfBounds(offset: 32))
        #expect(try Self.decodeError(["uint256[]"], Self.word("20") + Self.word("3") + Self.word("1")) != nil)
        #expect(try Self.decodeError(["bytes"], Self.word("20") + Self.word("1") + Self.word("0101")) != nil)
        #expect(
            try Self.decodeError(
                ["string"], Self.word("20") + Self.word("1") + [0xFF] + [UInt8](repeating: 0, count: 31))
                == .invalidUTF8(offset: 32))
    }

    /// Offsets that all point at one large value would inflate the result far beyond the data: rejected.
    @Test func overlappingOffsetsAreBounded() throws {
        let count = 64
        var data = Self.word("20") + Self.word(String(count, radix: 16))
        let target = 32 * (count + 0)  // relative to the array's heads, just past them
        for _ in 0..<count { data += Self.word(String(target, radix: 16)) }
        data += Self.word("400") + [UInt8](repeating: 0x61, count: 0x400)
        #expect(try Self.decodeError(["bytes[]"], data) == .decodedSizeExceedsInput)
        // The same array with a single element is fine.
        var single = Self.word("20") + Self.word("1") + Self.word("20")
        single += Self.word("400") + [UInt8](repeating: 0x61, count: 0x400)
        #expect(try Self.decodeError(["bytes[]"], single) == nil)
    }

    @Test func transferLog() throws {
        let event = try ABIEvent(signature: "Transfer(address indexed from, address indexed to, uint256 value)")
        let from = try Address(parsing: "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed")
        let to = try Address(parsing: "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359")
        let topics = [
            event.topic, Self.word(Hex.encode(from.bytes, prefixed: false)),
            Self.word(Hex.encode(to.bytes, prefixed: false)),
        ]
        let values = try event.decodeLog(topics: topics, data: Self.word("3e8"))
        #expect(values == [.address(from), .address(to), .uint(1000)])
        #expect(throws: ABIError.topicCountMismatch(expected: 3, found: 2)) {
            try event.decodeLog(topics: Array(topics.prefix(2)), data: Self.word("3e8"))
        }
        #expect(throws: ABIError.topicMismatch(expected: event.topic, found: topics[1])) {
            try event.decodeLog(topics: Array(topics.dropFirst()), data: Self.word("3e8"))
        }
    }

    @Test func indexedDynamicValuesAreHashes() throws {
        let event = try ABIEvent(signature: "Note(string indexed tag, bytes data, int16 indexed level)")
        let tagHash = Keccak256.hash("hello".utf8)
        let data = try ABI.encode([.bytes([1, 2, 3])], as: [.bytes])
        let levelTopic = [UInt8](repeating: 0xFF, count: 31) + [0xF6]
        let values = try event.decodeLog(topics: [event.topic, tagHash, levelTopic], data: data)
        #expect(values == [.fixedBytes(tagHash), .bytes([1, 2, 3]), .int(-10)])
        let anonymous = try ABIEvent(
            signature: "Note(string indexed tag, bytes data, int16 indexed level)", anonymous: true)
        #expect(try anonymous.decodeLog(topics: [tagHash, levelTopic], data: data) == values)
    }

    /// Random words (mostly small numbers, so offsets and lengths often land inside the data) never crash the
    /// decoder: it throws, or returns values that encode and decode back to themselves.
    @Test func randomWordsNeverCrash() throws {
        var generator = SplitMix64(seed: 8)
        let types = try ["bytes", "string[]", "uint256[][]", "(uint8,bytes)[2]", "(bool,string[])[]", "int16[3]"].map {
            try ABIType(parsing: $0)
        }
        for _ in 0..<3000 {
            let chosen = (0..<Int(generator.next() % 3 + 1)).map { _ in types[Int(generator.next() % 6)] }
            var data: [UInt8] = []
            for _ in 0..<Int(generator.next() % 12) {
                let small = UInt64(generator.next() % 8) * 32 + (generator.next() % 4 == 0 ? generator.next() % 32 : 0)
                let word =
                    generator.next() % 5 == 0
                    ? UInt256(w0: generator.next(), w1: 0, w2: 0, w3: generator.next()) : UInt256(small)
                data += word.bigEndianBytes
            }
            guard let values = try? ABI.decode(chosen, from: data) else { continue }
            #expect(try ABI.decode(chosen, from: ABI.encode(values, as: chosen)) == values)
        }
    }

    /// Random types with random values encode and decode back; truncating the encoding is always an error.
    @Test func randomRoundTrips() throws {
        var generator = SplitMix64(seed: 4)
        for _ in 0..<300 {
            let types = (0..<Int(generator.next() % 4 + 1)).map { _ in Self.randomType(&generator, depth: 0) }
            let values = types.map { Self.randomValue($0, &generator) }
            let encoded = try ABI.encode(values, as: types)
            #expect(try ABI.decode(types, from: encoded) == values, "\(types)")
            let cut = Int(generator.next() % UInt64(encoded.count))
            #expect(throws: ABIError.self) { try ABI.decode(types, from: Array(encoded.prefix(cut))) }
        }
    }

    static func randomType(_ generator: inout SplitMix64, depth: Int) -> ABIType {
        let choice = generator.next() % (depth < 3 ? 11 : 7)
        switch choice {
        case 0: return .uint(bits: Int(generator.next() % 32 + 1) * 8)
        case 1: return .int(bits: Int(generator.next() % 32 + 1) * 8)
        case 2: return .address
        case 3: return .bool
        case 4: return .fixedBytes(Int(generator.next() % 32 + 1))
        case 5: return .bytes
        case 6: return .string
        case 7: return .array(randomType(&generator, depth: depth + 1))
        case 8: return .fixedArray(randomType(&generator, depth: depth + 1), count: Int(generator.next() % 3 + 1))
        default:
            return .tuple((0..<Int(generator.next() % 3 + 1)).map { _ in randomType(&generator, depth: depth + 1) })
        }
    }

    static func randomValue(_ type: ABIType, _ generator: inout SplitMix64) -> ABIValue {
        func randomBytes(_ count: Int) -> [UInt8] {
            (0..<count).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
        }
        let full = UInt256(w0: generator.next(), w1: generator.next(), w2: generator.next(), w3: generator.next())
        switch type {
        case .uint(let bits): return .uint(full >> (256 - bits))
        case .int(let bits):
            // Arithmetic shift right of a random pattern keeps it within `bits` bits.
            let pattern = full >> (256 - bits)
            let negative = (pattern >> (bits - 1)) == .one
            return .int(Int256(bitPattern: negative ? pattern | (UInt256.max << bits) : pattern))
        case .address: return .address(Address(bytes: randomBytes(20))!)
        case .bool: return .bool(generator.next() % 2 == 0)
        case .fixedBytes(let count): return .fixedBytes(randomBytes(count))
        case .bytes: return .bytes(randomBytes(Int(generator.next() % 70)))
        case .string:
            return .string(
                String(decoding: randomBytes(Int(generator.next() % 40)).map { $0 % 94 + 32 }, as: UTF8.self) + "é")
        case .array(let element):
            return .array((0..<Int(generator.next() % 4)).map { _ in randomValue(element, &generator) })
        case .fixedArray(let element, let count):
            return .array((0..<count).map { _ in randomValue(element, &generator) })
        case .tuple(let components): return .tuple(components.map { randomValue($0, &generator) })
        }
    }
}
