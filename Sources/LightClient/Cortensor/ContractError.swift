import System

/// Why a contract read or write failed.
public enum ContractError: Error, Equatable, Sendable {
    /// The JSON-RPC exchange failed.
    case rpc(JSONRPCError)
    /// The call reverted; `reason` is the `Error(string)` message when the revert data carries one.
    case reverted(reason: String?, data: [UInt8])
    /// Return data or a log that does not decode as the ABI says.
    case abi(ABIError)
    /// Decoded values of another shape than the binding expects: `what` names the value.
    case unexpectedValue(what: String)
    /// A node reply that is not what the method returns (a malformed receipt or log).
    case invalidReply(String)
    /// The transaction was mined but failed (status 0).
    case transactionFailed(hash: [UInt8])
    /// No receipt for the transaction after the allowed polls.
    case receiptMissing(hash: [UInt8])
    /// The receipt has no log of `event` from the contract.
    case eventMissing(event: String, hash: [UInt8])
}

extension ContractError: CustomStringConvertible {
    /// One line, e.g. `reverted: router already registered`.
    public var description: String {
        switch self {
        case .rpc(let error): "\(error)"
        case .reverted(let reason?, _): "reverted: \(reason)"
        case .reverted(nil, let data): data.isEmpty ? "reverted" : "reverted with data \(Hex.encode(data))"
        case .abi(let error): "undecodable ABI data: \(error)"
        case .unexpectedValue(let what): "unexpected value for \(what)"
        case .invalidReply(let problem): "invalid reply: \(problem)"
        case .transactionFailed(let hash): "transaction \(Hex.encode(hash)) failed"
        case .receiptMissing(let hash): "no receipt for transaction \(Hex.encode(hash))"
        case .eventMissing(let event, let hash): "transaction \(Hex.encode(hash)) has no \(event) log"
        }
    }
}

extension ContractError {
    /// An RPC failure, with a node's "execution reverted" answer (code 3 with revert data, as geth sends it) turned
    /// into `.reverted`.
    static func from(_ error: JSONRPCError) -> ContractError {
        guard case .rpc(let code, let message, let data) = error,
            code == 3 || message.hasPrefix("execution reverted")
        else { return .rpc(error) }
        let bytes = data.flatMap { try? RPCQuantity.data($0) } ?? []
        return .reverted(reason: revertReason(bytes), data: bytes)
    }

    /// The message of `Error(string)` revert data (selector 0x08c379a0), if that is what `data` is.
    static func revertReason(_ data: [UInt8]) -> String? {
        guard data.starts(with: [0x08, 0xC3, 0x79, 0xA0]),
            case .string(let reason)? = try? ABI.decode([.string], from: Array(data.dropFirst(4))).first
        else { return nil }
        return reason
    }
}

// Typed reads of decoded values; a value of another kind is `.unexpectedValue` naming what was read.
extension ABIValue {
    func asUInt(_ what: String) throws(ContractError) -> UInt256 {
        guard case .uint(let value) = self else { throw .unexpectedValue(what: what) }
        return value
    }

    func asUInt8(_ what: String) throws(ContractError) -> UInt8 {
        guard let small = try asUInt(what).uint64Value, let value = UInt8(exactly: small) else {
            throw .unexpectedValue(what: what)
        }
        return value
    }

    func asAddress(_ what: String) throws(ContractError) -> Address {
        guard case .address(let value) = self else { throw .unexpectedValue(what: what) }
        return value
    }

    func asBool(_ what: String) throws(ContractError) -> Bool {
        guard case .bool(let value) = self else { throw .unexpectedValue(what: what) }
        return value
    }

    func asString(_ what: String) throws(ContractError) -> String {
        guard case .string(let value) = self else { throw .unexpectedValue(what: what) }
        return value
    }

    func asWord(_ what: String) throws(ContractError) -> [UInt8] {
        guard case .fixedBytes(let value) = self, value.count == 32 else { throw .unexpectedValue(what: what) }
        return value
    }

    func asArray(_ what: String) throws(ContractError) -> [ABIValue] {
        guard case .array(let value) = self else { throw .unexpectedValue(what: what) }
        return value
    }

    func asTuple(_ what: String, count: Int) throws(ContractError) -> [ABIValue] {
        guard case .tuple(let value) = self, value.count == count else { throw .unexpectedValue(what: what) }
        return value
    }

    func asAddresses(_ what: String) throws(ContractError) -> [Address] {
        try asArray(what).map { (item) throws(ContractError) in try item.asAddress(what) }
    }

    func asStrings(_ what: String) throws(ContractError) -> [String] {
        try asArray(what).map { (item) throws(ContractError) in try item.asString(what) }
    }

    func asUInts(_ what: String) throws(ContractError) -> [UInt256] {
        try asArray(what).map { (item) throws(ContractError) in try item.asUInt(what) }
    }
}
