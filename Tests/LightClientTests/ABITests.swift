import LightClient
import System
import Testing

/// The Solidity ABI specification's examples, selectors and event topics.
@Suite struct ABITests {
    static func hex(_ words: String...) -> [UInt8] {
        Hex.decode(words.joined())!
    }

    static func uints(_ values: UInt64...) -> ABIValue {
        .array(values.map { .uint(UInt256($0)) })
    }

    @Test(arguments: [
        ("transfer(address,uint256)", "a9059cbb"),
        ("baz(uint32,bool)", "cdcd77c0"),
        ("bar(bytes3[2])", "fce353f6"),
        ("sam(bytes,bool,uint256[])", "a5643bf2"),
        ("f(uint256,uint32[],bytes10,bytes)", "8be65246"),
        ("g(uint256[][],string[])", "2289b18c"),
        ("f(uint,uint32[],bytes10,bytes)", "8be65246"),
        ("transfer(address to, uint256 amount)", "a9059cbb"),
    ])
    func selectors(signature: String, expected: String) throws {
        #expect(Hex.encode(try ABIFunction(signature: signature).selector, prefixed: false) == expected)
    }

    @Test func transferTopic() throws {
        let event = try ABIEvent(signature: "Transfer(address indexed from, address indexed to, uint256 value)")
        #expect(event.canonicalSignature == "Transfer(address,address,uint256)")
        #expect(
            Hex.encode(event.topic) == "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef")
    }

    static let specExamples: [(String, [ABIValue], [UInt8])] = [
        (
            "baz(uint32,bool)", [.uint(69), .bool(true)],
            hex(
                "cdcd77c0",
                "0000000000000000000000000000000000000000000000000000000000000045",
                "0000000000000000000000000000000000000000000000000000000000000001")
        ),
        (
            "bar(bytes3[2])", [.array([.fixedBytes(Array("abc".utf8)), .fixedBytes(Array("def".utf8))])],
            hex(
                "fce353f6",
                "6162630000000000000000000000000000000000000000000000000000000000",
                "6465660000000000000000000000000000000000000000000000000000000000")
        ),
        (
            "sam(bytes,bool,uint256[])", [.bytes(Array("dave".utf8)), .bool(true), uints(1, 2, 3)],
            hex(
                "a5643bf2",
                "0000000000000000000000000000000000000000000000000000000000000060",
                "0000000000000000000000000000000000000000000000000000000000000001",
                "00000000000000000000000000000000000000000000000000000000000000a0",
                "0000000000000000000000000000000000000000000000000000000000000004",
                "6461766500000000000000000000000000000000000000000000000000000000",
                "0000000000000000000000000000000000000000000000000000000000000003",
                "0000000000000000000000000000000000000000000000000000000000000001",
                "0000000000000000000000000000000000000000000000000000000000000002",
                "0000000000000000000000000000000000000000000000000000000000000003")
        ),
        (
            "f(uint256,uint32[],bytes10,bytes)",
            [
                .uint(0x123), uints(0x456, 0x789), .fixedBytes(Array("1234567890".utf8)),
                .bytes(Array("Hello, world!".utf8)),
            ],
            hex(
                "8be65246",
                "0000000000000000000000000000000000000000000000000000000000000123",
                "0000000000000000000000000000000000000000000000000000000000000080",
                "3132333435363738393000000000000000000000000000000000000000000000",
                "00000000000000000000000000000000000000000000000000000000000000e0",
                "0000000000000000000000000000000000000000000000000000000000000002",
                "0000000000000000000000000000000000000000000000000000000000000456",
                "0000000000000000000000000000000000000000000000000000000000000789",
                "000000000000000000000000000000000000000000000000000000000000000d",
                "48656c6c6f2c20776f726c642100000000000000000000000000000000000000")
        ),
        (
            "g(uint256[][],string[])",
            [.array([uints(1, 2), uints(3)]), .array([.string("one"), .string("two"), .string("three")])],
            hex(
                "2289b18c",
                "0000000000000000000000000000000000000000000000000000000000000040",
                "0000000000000000000000000000000000000000000000000000000000000140",
                "0000000000000000000000000000000000000000000000000000000000000002",
                "0000000000000000000000000000000000000000000000000000000000000040",
                "00000000000000000000000000000000000000000000000000000000000000a0",
                "0000000000000000000000000000000000000000000000000000000000000002",
                "0000000000000000000000000000000000000000000000000000000000000001",
                "0000000000000000000000000000000000000000000000000000000000000002",
                "0000000000000000000000000000000000000000000000000000000000000001",
                "0000000000000000000000000000000000000000000000000000000000000003",
                "0000000000000000000000000000000000000000000000000000000000000003",
                "0000000000000000000000000000000000000000000000000000000000000060",
                "00000000000000000000000000000000000000000000000000000000000000a0",
                "00000000000000000000000000000000000000000000000000000000000000e0",
                "0000000000000000000000000000000000000000000000000000000000000003",
                "6f6e650000000000000000000000000000000000000000000000000000000000",
                "0000000000000000000000000000000000000000000000000000000000000003",
                "74776f0000000000000000000000000000000000000000000000000000000000",
                "0000000000000000000000000000000000000000000000000000000000000005",
                "7468726565000000000000000000000000000000000000000000000000000000")
        ),
    ]

    @Test(arguments: specExamples.indices)
    func specExample(_ index: Int) throws {
        let (signature, values, calldata) = Self.specExamples[index]
        let function = try ABIFunction(signature: signature)
        #expect(try function.encodeCall(values) == calldata)
        #expect(try function.decodeCall(calldata) == values)
    }

    @Test func wrongSelector() throws {
        let function = try ABIFunction(signature: "baz(uint32,bool)")
        let other = try ABIFunction(signature: "baz(uint64,bool)")
        #expect(throws: ABIError.selectorMismatch(expected: function.selector, found: other.selector)) {
            try function.decodeCall(other.encodeCall([.uint(1), .bool(false)]))
        }
    }

    @Test func signedIntegers() throws {
        let types: [ABIType] = [.int(bits: 8), .int(bits: 256)]
        let encoded = try ABI.encode([.int(-1), .int(Int256.min)], as: types)
        #expect(encoded == [UInt8](repeating: 0xFF, count: 32) + [0x80] + [UInt8](repeating: 0, count: 31))
        #expect(try ABI.decode(types, from: encoded) == [.int(-1), .int(Int256.min)])
        #expect(throws: ABIError.valueOutOfRange(type: .int(bits: 8))) { try ABI.encode(.int(128), as: .int(bits: 8)) }
        #expect(throws: ABIError.valueOutOfRange(type: .int(bits: 8))) { try ABI.encode(.int(-129), as: .int(bits: 8)) }
        #expect(throws: ABIError.valueOutOfRange(type: .uint(bits: 8))) {
            try ABI.encode(.uint(256), as: .uint(bits: 8))
        }
    }

    @Test func encodingMismatches() {
        #expect(throws: ABIError.typeMismatch(expected: .bool)) { try ABI.encode(.uint(1), as: .bool) }
        #expect(throws: ABIError.countMismatch(expected: 2, found: 1)) {
            try ABI.encode(.array([.bool(true)]), as: .fixedArray(.bool, count: 2))
        }
        #expect(throws: ABIError.valueOutOfRange(type: .fixedBytes(4))) {
            try ABI.encode(.fixedBytes([1]), as: .fixedBytes(4))
        }
        #expect(throws: ABIError.countMismatch(expected: 2, found: 1)) {
            try ABI.encode([.bool(true)], as: [.bool, .bool])
        }
    }
}
