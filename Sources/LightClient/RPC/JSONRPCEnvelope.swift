public import JSON

/// One method call of a JSON-RPC request or batch.
public struct JSONRPCCall: Sendable, Equatable {
    /// The method name, e.g. "eth_chainId".
    public var method: String
    /// Positional parameters.
    public var params: [JSONValue]

    /// Creates a call of `method` with `params`.
    public init(_ method: String, _ params: [JSONValue] = []) {
        self.method = method
        self.params = params
    }

    /// The request object carrying `id`.
    func requestObject(id: Int64) -> JSONValue {
        ["jsonrpc": "2.0", "id": .int(id), "method": .string(method), "params": .array(params)]
    }
}

/// Reading untrusted JSON-RPC replies: envelopes, ids, results and error objects.
enum JSONRPCEnvelope {
    /// The outcome of a single call answered by `value`, which must carry `id`.
    static func answer(_ value: JSONValue, id: Int64, endpoint: String) throws(JSONRPCError) -> JSONValue {
        guard case .object(let object) = value else {
            throw .invalidResponse(endpoint: endpoint, reason: "reply is not a JSON object")
        }
        guard object["id"] == .int(id) else {
            // A whole-request error (e.g. parse error) comes with a null id; it is still an answer.
            if object["id"] == .null, case .failure(let error) = try outcome(object, endpoint: endpoint) {
                throw error
            }
            throw .invalidResponse(endpoint: endpoint, reason: "reply id does not match request id \(id)")
        }
        return try outcome(object, endpoint: endpoint).get()
    }

    /// The outcomes of a batch whose calls carry `ids`, in that order; every id answered exactly once.
    static func answers(
        _ value: JSONValue, ids: [Int64], endpoint: String
    ) throws(JSONRPCError) -> [Result<JSONValue, JSONRPCError>] {
        guard case .array(let replies) = value else {
            if case .object(let object) = value, case .failure(let error) = try outcome(object, endpoint: endpoint) {
                throw error  // The node refused the batch as a whole.
            }
            throw .invalidResponse(endpoint: endpoint, reason: "batch reply is not a JSON array")
        }
        var slots: [Int64: Int] = [:]
        for (position, id) in ids.enumerated() { slots[id] = position }
        var results: [Result<JSONValue, JSONRPCError>?] = Array(repeating: nil, count: ids.count)
        for reply in replies {
            guard case .object(let object) = reply, case .int(let id) = object["id"], let slot = slots[id] else {
                throw .invalidResponse(endpoint: endpoint, reason: "batch reply item has an unknown id")
            }
            guard results[slot] == nil else {
                throw .invalidResponse(endpoint: endpoint, reason: "batch reply answers id \(id) twice")
            }
            results[slot] = try outcome(object, endpoint: endpoint)
        }
        guard let missing = results.firstIndex(where: { $0 == nil }) else { return results.map { $0! } }
        throw .invalidResponse(endpoint: endpoint, reason: "batch reply lacks id \(ids[missing])")
    }

    /// The result or error object of one reply; throws when it has neither (or is not JSON-RPC 2.0).
    static func outcome(
        _ object: JSONObject, endpoint: String
    ) throws(JSONRPCError) -> Result<JSONValue, JSONRPCError> {
        guard object["jsonrpc"] == "2.0" else {
            throw .invalidResponse(endpoint: endpoint, reason: "reply is not JSON-RPC 2.0")
        }
        if let error = object["error"], !error.isNull {
            guard let code = error["code"]?.intValue, let message = error["message"]?.stringValue else {
                throw .invalidResponse(endpoint: endpoint, reason: "error object lacks code or message")
            }
            return .failure(.rpc(code: code, message: message, data: error["data"]))
        }
        guard let result = object["result"] else {
            throw .invalidResponse(endpoint: endpoint, reason: "reply has neither result nor error")
        }
        return .success(result)
    }
}
