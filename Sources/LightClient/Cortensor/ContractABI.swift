import JSON

/// A contract's interface read from a JSON ABI (the format solc and Vyper emit): its functions, with their output
/// types, and its events. Fallback, receive, constructor and error entries are skipped.
public struct ContractABI: Sendable, Hashable {
    /// The functions in file order; overloads appear once per signature.
    public let functions: [ContractFunction]
    /// The events in file order.
    public let events: [ABIEvent]

    /// Parses a JSON ABI array.
    public init(json text: String) throws(ContractABIError) {
        let parsed: JSONValue
        do {
            parsed = try JSONValue.parse(text)
        } catch {
            throw .invalidJSON(error.description)
        }
        guard let entries = parsed.arrayValue else { throw .notAnArray }
        var functions: [ContractFunction] = []
        var events: [ABIEvent] = []
        for (index, entry) in entries.enumerated() {
            do throws(ContractABIError) {
                switch entry["type"]?.stringValue {
                case "function": functions.append(try Self.function(entry))
                case "event": events.append(try Self.event(entry))
                default: continue
                }
            } catch {
                throw .invalidEntry(index: index, reason: error.description)
            }
        }
        (self.functions, self.events) = (functions, events)
    }

    /// The embedded data file `Cortensor/ABI/<name>.json`; a missing or malformed one is a build defect.
    static func embedded(_ name: String) -> ContractABI {
        guard let text = embeddedJSON[name] else { preconditionFailure("no embedded ABI named \(name)") }
        do {
            return try ContractABI(json: text)
        } catch {
            preconditionFailure("embedded ABI \(name) does not parse: \(error)")
        }
    }

    /// The function with this canonical signature, e.g. `getTask(uint256,uint256)`.
    public func function(signature: String) -> ContractFunction? {
        functions.first { $0.function.canonicalSignature == signature }
    }

    /// The only function named `name`; `nil` when there is none or it is overloaded.
    public func function(named name: String) -> ContractFunction? {
        let matches = functions.filter { $0.function.name == name }
        return matches.count == 1 ? matches[0] : nil
    }

    /// The only event named `name`.
    public func event(named name: String) -> ABIEvent? {
        let matches = events.filter { $0.name == name }
        return matches.count == 1 ? matches[0] : nil
    }

    /// The event whose topic is `topic` (a log's first topic).
    public func event(topic: [UInt8]) -> ABIEvent? {
        events.first { !$0.anonymous && $0.topic == topic }
    }

    /// The name and values of the event `log` holds; nil for a log of an event outside this ABI.
    func decodeEvent(_ log: ContractLog) throws(ContractError) -> (name: String, values: [ABIValue])? {
        guard let topic = log.topics.first, let event = event(topic: topic) else { return nil }
        do {
            return (event.name, try event.decodeLog(topics: log.topics, data: log.data))
        } catch {
            throw .abi(error)
        }
    }

    private static func function(_ entry: JSONValue) throws(ContractABIError) -> ContractFunction {
        let name = try string(entry, "name")
        let inputs = try parameters(entry, "inputs")
        let outputs = try parameters(entry, "outputs")
        let signature = name + "(" + inputs.map(\.text).joined(separator: ",") + ")"
        do {
            return ContractFunction(
                function: try ABIFunction(signature: signature),
                outputs: try outputs.map { (output) throws(ABIError) in try ABIType(parsing: output.text) },
                outputNames: outputs.map(\.name))
        } catch {
            throw .invalidType(String(describing: error))
        }
    }

    private static func event(_ entry: JSONValue) throws(ContractABIError) -> ABIEvent {
        let name = try string(entry, "name")
        let inputs = try parameters(entry, "inputs")
        let parameterList = inputs.map { $0.text + ($0.indexed ? " indexed" : "") + " " + $0.name }
        do {
            return try ABIEvent(
                signature: name + "(" + parameterList.joined(separator: ", ") + ")",
                anonymous: entry["anonymous"]?.boolValue ?? false)
        } catch {
            throw .invalidType(String(describing: error))
        }
    }

    /// A parameter list as (canonical type text, name, indexed).
    private static func parameters(
        _ entry: JSONValue, _ key: String
    ) throws(ContractABIError) -> [(text: String, name: String, indexed: Bool)] {
        guard let list = entry[key]?.arrayValue else { throw .missingField(key) }
        return try list.map { (parameter) throws(ContractABIError) in
            (
                try typeText(parameter, depth: 0), parameter["name"]?.stringValue ?? "",
                parameter["indexed"]?.boolValue ?? false
            )
        }
    }

    /// `tuple…` types spelled out from their components, `(uint256,string)[]`; others as written.
    private static func typeText(_ parameter: JSONValue, depth: Int) throws(ContractABIError) -> String {
        let type = try string(parameter, "type")
        guard type.hasPrefix("tuple") else { return type }
        guard depth < ABIParser.maxDepth else { throw .invalidType("tuples nested too deep") }
        guard let components = parameter["components"]?.arrayValue else { throw .missingField("components") }
        let inner = try components.map { (component) throws(ContractABIError) in
            try typeText(component, depth: depth + 1)
        }
        return "(" + inner.joined(separator: ",") + ")" + type.dropFirst("tuple".count)
    }

    private static func string(_ entry: JSONValue, _ key: String) throws(ContractABIError) -> String {
        guard let value = entry[key]?.stringValue else { throw .missingField(key) }
        return value
    }
}

/// A function of a contract ABI: its call encoding and the types of what it returns.
public struct ContractFunction: Sendable, Hashable {
    /// Name, inputs and selector.
    public let function: ABIFunction
    /// The types of the return values, in order.
    public let outputs: [ABIType]
    /// The names of the return values (empty where unnamed).
    public let outputNames: [String]

    /// Decodes return data into the output values.
    public func decodeOutput(_ data: [UInt8]) throws(ABIError) -> [ABIValue] {
        try ABI.decode(outputs, from: data)
    }
}

/// Why a JSON ABI was rejected.
public enum ContractABIError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The text is not JSON; the parser's reason.
    case invalidJSON(String)
    /// The JSON is not an array of entries.
    case notAnArray
    /// An entry lacks a field (or has it with the wrong JSON type).
    case missingField(String)
    /// A type that does not parse; the ABI parser's reason.
    case invalidType(String)
    /// The entry at `index` is malformed; why.
    case invalidEntry(index: Int, reason: String)

    /// A one-line explanation.
    public var description: String {
        switch self {
        case .invalidJSON(let reason): "not JSON: \(reason)"
        case .notAnArray: "a JSON ABI is an array"
        case .missingField(let field): "missing field \"\(field)\""
        case .invalidType(let reason): "bad type: \(reason)"
        case .invalidEntry(let index, let reason): "entry \(index): \(reason)"
        }
    }
}
