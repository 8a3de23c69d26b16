import HTTPClient
import LightClient
import System

/// Chain failures as API errors: an unreachable chain or a revert is 502 with the reason, a missed deadline 504.
/// Reasons name endpoints, calls and transaction hashes, never a key, a prompt or a result.
enum ChainFailure {
    /// 502 `chain_unreachable` when the node could not be asked, 502 `chain_reverted` for a revert, 502
    /// `chain_failed` otherwise.
    static func apiError(_ error: ContractError, doing what: String) -> APIError {
        switch error {
        case .reverted:
            APIError(status: 502, code: "chain_reverted", message: "\(what): \(reason(error))")
        case .rpc:
            APIError(status: 502, code: "chain_unreachable", message: "\(what): \(reason(error))")
        default:
            APIError(status: 502, code: "chain_failed", message: "\(what): \(reason(error))")
        }
    }

    /// 502 `chain_unreachable`: no endpoint of the chain passed the chain id check.
    static func apiError(_ error: ChainConnectError) -> APIError {
        APIError(status: 502, code: "chain_unreachable", message: reason(error))
    }

    /// 504 `chain_timeout`: the request's deadline passed while `what` was under way.
    static func deadline(_ what: String) -> APIError {
        APIError(status: 504, code: "chain_timeout", message: "\(what): the request's deadline passed")
    }

    /// One line for a contract call's failure.
    static func reason(_ error: ContractError) -> String {
        switch error {
        case .rpc(let error): reason(error)
        case .reverted(let message?, _): "reverted: \(message)"
        case .reverted(nil, let data): RevertReason(revertData: data).description
        case .abi(let error): "undecodable reply (\(error))"
        case .unexpectedValue(let what): "unexpected value for \(what)"
        case .invalidReply(let why): "invalid reply (\(why))"
        case .transactionFailed(let hash): "transaction \(Hex.encode(hash)) failed"
        case .receiptMissing(let hash): "no receipt for transaction \(Hex.encode(hash)) yet"
        case .eventMissing(let event, let hash): "no \(event) event in transaction \(Hex.encode(hash))"
        }
    }

    /// One line for a JSON-RPC failure.
    static func reason(_ error: JSONRPCError) -> String {
        switch error {
        case .transport(let endpoint, let error): "\(endpoint): \(error)"
        case .httpStatus(let endpoint, let status): "\(endpoint): HTTP \(status)"
        case .rpc(let code, let message, _): "node error \(code): \(message.prefix(200))"
        case .invalidResponse(let endpoint, let why): "\(endpoint): invalid response (\(why.prefix(200)))"
        case .allEndpointsFailed(let failures):
            failures.count == 1 ? reason(failures[0]) : "every endpoint failed: " + lastDistinct(failures)
        case .cancelled: "cancelled"
        }
    }

    /// One line for a failed connection to a chain.
    static func reason(_ error: ChainConnectError) -> String {
        switch error {
        case .chainIDMismatch(let endpoint, let expected, let found):
            "\(endpoint) serves chain \(found), not \(expected)"
        case .unreachable(let endpoint, let error): "\(endpoint) unreachable: \(reason(error))"
        case .noEndpointLeft(let chain, let dropped):
            "chain \(chain) has no usable endpoint" + (dropped.isEmpty ? "" : ": ")
                + dropped.prefix(4).map(reason).joined(separator: "; ")
        }
    }

    private static func lastDistinct(_ failures: [JSONRPCError]) -> String {
        var lines: [String] = []
        for failure in failures where !lines.contains(reason(failure)) { lines.append(reason(failure)) }
        return lines.prefix(4).joined(separator: "; ")
    }
}
