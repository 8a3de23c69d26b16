import Upstream

extension UpstreamError {
    /// The error that ended a relayed reply, as an `UpstreamError`: a cancelled consumer (its client hung up) is
    /// `.cancelled`; nil for anything else.
    init?(relayed error: any Error) {
        if let upstream = error as? UpstreamError {
            self = upstream
        } else if error is CancellationError {
            self = .cancelled
        } else {
            return nil
        }
    }

    /// The HTTP error a caller sees: 503 when no miner could take the request or all were busy, 502 when miners
    /// failed, 504 when the deadline passed.
    var apiError: APIError {
        switch self {
        case .noHealthyMiner(let model):
            let which = model.map { " for model '\($0)'" } ?? ""
            return APIError(
                status: 503, code: "no_miner_available", message: "no healthy miner is available\(which)",
                headers: [APIError.Header(name: "Retry-After", value: "5")])
        case .allMinersFailed(let attempts) where attempts.allSatisfy({ $0.reason.isBusy }):
            return APIError(
                status: 503, code: "miners_busy",
                message: "every miner is busy: " + attempts.map(\.minerID).joined(separator: ", "),
                headers: [APIError.Header(name: "Retry-After", value: String(Self.retryAfter(attempts)))])
        case .requestRefused(let miner, let refusal):
            return APIError(
                status: refusal.status, code: refusal.code,
                message: "miner \(miner) refused the request: \(refusal.message)",
                field: refusal.param)
        case .allMinersFailed(let attempts):
            return APIError(
                status: 502, code: "upstream_failed",
                message: "every miner tried failed: "
                    + attempts.map { "\($0.minerID): \($0.reason.summary)" }
                    .joined(separator: "; "))
        case .deadlineExceeded(let miner, let attempts):
            let waiting = miner.map { " waiting for miner \($0)" } ?? ""
            let tried =
                attempts.isEmpty
                ? "" : "; tried: " + attempts.map { "\($0.minerID): \($0.reason.summary)" }.joined(separator: "; ")
            return APIError(
                status: 504, code: "deadline_exceeded", message: "the request deadline passed\(waiting)\(tried)")
        case .modelNotFound(let model, let available):
            // Miners may list hundreds of models: the message names the first few, /v1/models has them all.
            let shown = available.prefix(Self.modelsNamedInErrors).joined(separator: ", ")
            let more =
                available.count > Self.modelsNamedInErrors
                ? " and \(available.count - Self.modelsNamedInErrors) more" : ""
            return APIError(
                status: 404, code: "model_not_found",
                message: "model '\(model.prefix(256))' is not served by any miner; available: \(shown)\(more)")
        case .streamInterrupted(let miner, let reason):
            return APIError(
                status: 502, code: "upstream_interrupted", message: "miner \(miner) failed mid-reply: \(reason.summary)"
            )
        case .cancelled:
            return APIError(status: 499, code: "cancelled", message: "the request was cancelled")
        }
    }

    /// The soonest any busy miner said it may be free (the `Retry-After` seconds they sent), 5 if none said.
    static func retryAfter(_ attempts: [UpstreamAttemptFailure]) -> Int {
        let said = attempts.compactMap { attempt -> Int? in
            if case .busy(let seconds) = attempt.reason { seconds } else { nil }
        }
        return said.min() ?? 5
    }

    /// Most model names a `model_not_found` message lists.
    static let modelsNamedInErrors = 20

    /// A short reason for task records and logs; a refusal's message is left out, as it may quote the prompt.
    var shortDescription: String {
        if case .requestRefused(let miner, let refusal) = self {
            return "miner \(miner) refused the request (HTTP \(refusal.status), \(refusal.code))"
        }
        return apiError.message
    }
}

extension UpstreamFailure {
    /// Whether the miner only said it is busy (429).
    var isBusy: Bool {
        if case .busy = self { true } else { false }
    }
}
