import Hashing
public import JSON

/// EIP-712 typed structured data in the JSON shape `eth_signTypedData_v4` takes: `types`, `primaryType`,
/// `domain` and `message`.
public struct TypedData: Hashable, Sendable {
    /// One member of a struct type.
    public struct Field: Hashable, Sendable {
        /// The member name.
        public var name: String
        /// Its type: an atomic type (`uint256`, `address`, `bytes32`…), `bytes`, `string`, a struct name, or any
        /// of those followed by `[]` or `[n]`.
        public var type: String

        /// A member with this name and type.
        public init(name: String, type: String) {
            (self.name, self.type) = (name, type)
        }
    }

    /// Struct types by name; `EIP712Domain` may be omitted and is then derived from the domain's members.
    public var types: [String: [Field]]
    /// The type of `message`.
    public var primaryType: String
    /// The domain's values.
    public var domain: JSONObject
    /// The message's values.
    public var message: JSONObject

    /// Typed data from its parts.
    public init(types: [String: [Field]], primaryType: String, domain: JSONObject, message: JSONObject) {
        (self.types, self.primaryType, self.domain, self.message) = (types, primaryType, domain, message)
    }

    /// Typed data from the JSON object `eth_signTypedData_v4` takes.
    public init(json: JSONValue) throws(TypedDataError) {
        guard let typesObject = json["types"]?.objectValue, let primaryType = json["primaryType"]?.stringValue,
            let domain = json["domain"]?.objectValue, let message = json["message"]?.objectValue
        else { throw .malformed("types, primaryType, domain and message are required") }
        var types: [String: [Field]] = [:]
        for (name, fields) in typesObject {
            guard let list = fields.arrayValue else { throw .malformed("type \(name) is not a list of fields") }
            var parsed: [Field] = []
            for field in list {
                guard let fieldName = field["name"]?.stringValue, let fieldType = field["type"]?.stringValue else {
                    throw .malformed("a field of \(name) lacks a name or type")
                }
                parsed.append(Field(name: fieldName, type: fieldType))
            }
            types[name] = parsed
        }
        self.init(types: types, primaryType: primaryType, domain: domain, message: message)
    }

    /// The domain's members in EIP-712's order, for when `types` has no `EIP712Domain`.
    static let domainFieldOrder = [
        Field(name: "name", type: "string"), Field(name: "version", type: "string"),
        Field(name: "chainId", type: "uint256"), Field(name: "verifyingContract", type: "address"),
        Field(name: "salt", type: "bytes32"),
    ]

    /// The types with `EIP712Domain` filled in from the domain's members when absent.
    var resolvedTypes: [String: [Field]] {
        guard types["EIP712Domain"] == nil else { return types }
        var resolved = types
        resolved["EIP712Domain"] = Self.domainFieldOrder.filter { domain[$0.name] != nil }
        return resolved
    }

    /// hashStruct(EIP712Domain, domain).
    public func domainSeparator() throws(TypedDataError) -> [UInt8] {
        try TypedDataEncoder(types: resolvedTypes).hashStruct("EIP712Domain", domain)
    }

    /// hashStruct(primaryType, message).
    public func messageHash() throws(TypedDataError) -> [UInt8] {
        try TypedDataEncoder(types: resolvedTypes).hashStruct(primaryType, message)
    }

    /// The digest signed: keccak256(0x19 ‖ 0x01 ‖ domainSeparator ‖ hashStruct(message)).
    public func digest() throws(TypedDataError) -> [UInt8] {
        Keccak256.hash([0x19, 0x01] + (try domainSeparator()) + (try messageHash()))
    }

    /// `encodeType` of a struct type: the type, then the struct types it references, sorted by name.
    public func encodeType(_ name: String) throws(TypedDataError) -> String {
        try TypedDataEncoder(types: resolvedTypes).encodeType(name)
    }

    /// Signs the digest with `key`.
    public func sign(with key: PrivateKey) throws(TypedDataError) -> Signature {
        try! key.sign(digest: digest())  // keccak digests are 32 bytes
    }
}

/// Why typed data could not be hashed.
public enum TypedDataError: Error, Equatable, Sendable {
    /// The JSON does not have the typed-data shape.
    case malformed(String)
    /// A type that is neither atomic nor defined in `types`.
    case unknownType(String)
    /// A struct value lacks one of its type's members.
    case missingField(type: String, field: String)
    /// A value that does not fit its type.
    case invalidValue(type: String)
    /// A fixed-size array with the wrong number of elements.
    case arrayLength(type: String, expected: Int, found: Int)
}
