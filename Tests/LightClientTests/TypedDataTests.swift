import Hashing
import JSON
import LightClient
import System
import Testing

/// EIP-712's own example (`Mail` from `Person` to `Person`) and malformed inputs.
@Suite struct TypedDataTests {
    static let mailJSON = """
        {"types": {
           "EIP712Domain": [{"name": "name", "type": "string"}, {"name": "version", "type": "string"},
                            {"name": "chainId", "type": "uint256"}, {"name": "verifyingContract", "type": "address"}],
           "Person": [{"name": "name", "type": "string"}, {"name": "wallet", "type": "address"}],
           "Mail": [{"name": "from", "type": "Person"}, {"name": "to", "type": "Person"},
                    {"name": "contents", "type": "string"}]},
         "primaryType": "Mail",
         "domain": {"name": "Ether Mail", "version": "1", "chainId": 1,
                    "verifyingContract": "0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC"},
         "message": {"from": {"name": "Cow", "wallet": "0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826"},
                     "to": {"name": "Bob", "wallet": "0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB"},
                     "contents": "Hello, Bob!"}}
        """

    static func mail() throws -> TypedData {
        try TypedData(json: try JSONValue.parse(mailJSON))
    }

    @Test func mailExample() throws {
        let data = try Self.mail()
        #expect(
            try data.encodeType("Mail")
                == "Mail(Person from,Person to,string contents)Person(string name,address wallet)")
        #expect(
            Hex.encode(try data.domainSeparator())
                == "0xf2cee375fa42b42143804025fc449deafd50cc031ca257e0b194a650a912090f")
        #expect(
            Hex.encode(try data.messageHash())
                == "0xc52c0ee5d84264471806290a3f2c4cecfc5490626bf912d01f240d7a274b371e")
        #expect(
            Hex.encode(try data.digest())
                == "0xbe609aee343fb3c4b28e1df9e632fca64fcfaede20f02e86244efddf30957bd2")
        let key = try PrivateKey(bytes: Keccak256.hash(Array("cow".utf8)))
        #expect(key.address.checksummed == "0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826")
        let signature = try data.sign(with: key)
        #expect(signature.v == 28)
        #expect(
            Hex.encode(signature.r.bigEndianBytes)
                == "0x4355c47d63924e8a72e509b65029052eb6c299d53a04e167c5775fd466751c9d")
        #expect(
            Hex.encode(signature.s.bigEndianBytes)
                == "0x07299936d304c153f6443dfa05f40ff007d72911b6f72307f996231605b91562")
    }

    /// Without an `EIP712Domain` entry the domain type comes from the domain's members in the EIP's order.
    @Test func domainTypeIsDerivedWhenAbsent() throws {
        var data = try Self.mail()
        data.types["EIP712Domain"] = nil
        #expect(
            Hex.encode(try data.domainSeparator())
                == "0xf2cee375fa42b42143804025fc449deafd50cc031ca257e0b194a650a912090f")
    }

    @Test func referencedTypesAreSortedByName() throws {
        let data = TypedData(
            types: [
                "Z": [.init(name: "b", type: "B[]"), .init(name: "a", type: "A[2]")],
                "B": [.init(name: "x", type: "uint8")], "A": [.init(name: "y", type: "B")],
            ], primaryType: "Z", domain: [:], message: [:])
        #expect(try data.encodeType("Z") == "Z(B[] b,A[2] a)A(B y)B(uint8 x)")
    }

    static func single(_ type: String, _ value: JSONValue) -> TypedData {
        TypedData(
            types: ["T": [.init(name: "v", type: type)]], primaryType: "T", domain: ["name": "x"],
            message: ["v": value])
    }

    @Test func malformedValuesAreTypedErrors() throws {
        #expect(throws: TypedDataError.invalidValue(type: "uint8")) { try Self.single("uint8", 256).digest() }
        #expect(throws: TypedDataError.invalidValue(type: "uint8")) { try Self.single("uint8", -1).digest() }
        #expect(throws: TypedDataError.invalidValue(type: "int8")) { try Self.single("int8", 128).digest() }
        _ = try Self.single("int8", -128).digest()
        #expect(throws: TypedDataError.invalidValue(type: "bytes4")) { try Self.single("bytes4", "0x0102").digest() }
        #expect(throws: TypedDataError.invalidValue(type: "address")) { try Self.single("address", "0x12").digest() }
        #expect(throws: TypedDataError.invalidValue(type: "bool")) { try Self.single("bool", "true").digest() }
        #expect(throws: TypedDataError.unknownType("Nope")) { try Self.single("Nope", 1).digest() }
        #expect(throws: TypedDataError.unknownType("uint7")) { try Self.single("uint7", 1).digest() }
        #expect(throws: TypedDataError.arrayLength(type: "uint8[2]", expected: 2, found: 1)) {
            try Self.single("uint8[2]", [1]).digest()
        }
        var data = Self.single("uint8", 1)
        data.message = [:]
        #expect(throws: TypedDataError.missingField(type: "T", field: "v")) { try data.digest() }
        #expect(throws: TypedDataError.self) { try TypedData(json: try JSONValue.parse("{\"types\": {}}")) }
    }
}
