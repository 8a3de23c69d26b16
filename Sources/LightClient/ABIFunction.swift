import Hashing

/// A contract function known by its signature: its selector and the encoding of calls to it.
public struct ABIFunction: Hashable, Sendable {
    /// The function's name.
    public let name: String
    /// The parameters' types, in order.
    public let inputs: [ABIType]
    /// The canonical signature, as hashed for the selector: `transfer(address,uint256)`.
    public let canonicalSignature: String
    /// The first four bytes of the keccak of the canonical signature.
    public let selector: [UInt8]

    /// Parses `name(type,…)`; parameter names and spaces are allowed and ignored, `uint` means `uint256`.
    public init(signature: String) throws(ABIError) {
        let (name, parameters) = try parseSignature(signature)
        self.name = name
        self.inputs = parameters.map(\.type)
        self.canonicalSignature = name + "(" + inputs.map(\.description).joined(separator: ",") + ")"
        self.selector = Array(Keccak256.hash(canonicalSignature.utf8).prefix(4))
    }

    /// Calldata: the selector, then the encoded arguments.
    public func encodeCall(_ arguments: [ABIValue]) throws(ABIError) -> [UInt8] {
        selector + (try ABI.encode(arguments, as: inputs))
    }

    /// The arguments of calldata for this function; throws `selectorMismatch` for another function's calldata.
    public func decodeCall(_ calldata: [UInt8]) throws(ABIError) -> [ABIValue] {
        let found = Array(calldata.prefix(4))
        guard found == selector else { throw .selectorMismatch(expected: selector, found: found) }
        return try ABI.decode(inputs, from: Array(calldata.dropFirst(4)))
    }
}

/// A contract event known by its signature: its topic and the decoding of its logs.
public struct ABIEvent: Hashable, Sendable {
    /// The event's name.
    public let name: String
    /// The parameters in declaration order, with their `indexed` flags.
    public let parameters: [ABIParameter]
    /// Whether the event is anonymous (no signature topic).
    public let anonymous: Bool
    /// The canonical signature without names or `indexed`: `Transfer(address,address,uint256)`.
    public let canonicalSignature: String
    /// The keccak of the canonical signature: a non-anonymous event's first topic.
    public let topic: [UInt8]
    /// The types of the parameters that are not indexed, in order: the tuple the data holds.
    private let dataTypes: [ABIType]

    /// Parses `Name(type [indexed] [name], …)`, for example `Transfer(address indexed from, address indexed to,
    /// uint256 value)`.
    public init(signature: String, anonymous: Bool = false) throws(ABIError) {
        let (name, parameters) = try parseSignature(signature)
        self.name = name
        self.parameters = parameters
        self.anonymous = anonymous
        self.canonicalSignature = name + "(" + parameters.map(\.type.description).joined(separator: ",") + ")"
        self.topic = Keccak256.hash(canonicalSignature.utf8)
        self.dataTypes = parameters.filter { !$0.indexed }.map(\.type)
    }

    /// Decodes a log's values in declaration order. Indexed value types come from their topics; indexed strings,
    /// bytes, arrays and tuples are only their keccak hash in the log, returned as `.fixedBytes` of 32 bytes.
    public func decodeLog(topics: [[UInt8]], data: [UInt8]) throws(ABIError) -> [ABIValue] {
        var remainingTopics = topics[...]
        if !anonymous {
            let found = remainingTopics.popFirst() ?? []
            guard found == topic else { throw .topicMismatch(expected: topic, found: found) }
        }
        let indexedCount = parameters.count { $0.indexed }
        guard remainingTopics.count == indexedCount else {
            throw .topicCountMismatch(expected: indexedCount + (anonymous ? 0 : 1), found: topics.count)
        }
        var dataValues = try ABI.decode(dataTypes, from: data)[...]
        var values: [ABIValue] = []
        for parameter in parameters {
            if parameter.indexed {
                let word = remainingTopics.removeFirst()
                guard parameter.type.isValueType else {
                    guard word.count == 32 else { throw .truncated(offset: 0, needed: 32) }
                    values.append(.fixedBytes(word))
                    continue
                }
                values.append(try ABI.decodeWord(parameter.type, from: word))
            } else {
                values.append(dataValues.removeFirst())
            }
        }
        return values
    }
}
