/// The trust anchor: a block hash is accepted when enough independent endpoints report it.
public enum HeaderQuorum {
    /// The outcome of a vote: the accepted hash and the endpoints that reported another one.
    public struct Outcome: Sendable, Equatable {
        /// The hash at least `needed` endpoints reported.
        public var hash: [UInt8]
        /// Endpoints that reported a different (self-consistent) header, with the hash they reported.
        public var dissenters: [(endpoint: String, hash: [UInt8])]

        /// Compares hashes and dissenters.
        public static func == (lhs: Outcome, rhs: Outcome) -> Bool {
            lhs.hash == rhs.hash && lhs.dissenters.elementsEqual(rhs.dissenters) { $0 == $1 }
        }
    }

    /// The hash of block `number` that at least `needed` of `answers` (one verified header hash per endpoint)
    /// report; `.noQuorum` with the tally when none does. With two hashes both reaching `needed` (a quorum of
    /// less than half), the more reported one wins and a tie is no quorum.
    public static func verify(
        number: UInt64, answers: [(endpoint: String, hash: [UInt8])], needed: Int
    ) throws(VerificationError) -> Outcome {
        var votes: [QuorumVote] = []
        for answer in answers {
            if let index = votes.firstIndex(where: { $0.hash == answer.hash }) {
                votes[index].endpoints.append(answer.endpoint)
            } else {
                votes.append(QuorumVote(hash: answer.hash, endpoints: [answer.endpoint]))
            }
        }
        let ranked = votes.sorted { $0.endpoints.count > $1.endpoints.count }
        guard let best = ranked.first, best.endpoints.count >= max(1, needed),
            ranked.count < 2 || ranked[1].endpoints.count < best.endpoints.count
        else { throw .noQuorum(number: number, needed: needed, votes: ranked) }
        let dissenters = answers.filter { $0.hash != best.hash }
        return Outcome(hash: best.hash, dissenters: dissenters)
    }
}

/// How much a chain's reads are checked (`verify` in the chain's configuration).
public enum VerificationMode: Sendable, Hashable {
    /// Nothing is checked: values are taken as the endpoint sends them.
    case none
    /// Headers must hash to their claimed hash; state, storage and logs must be proven against a header read
    /// `confirmations` blocks below the head of the endpoint asked.
    case proofs(confirmations: UInt64)
    /// As `proofs`, and a header is accepted only when `quorum` endpoints report its hash, `confirmations` blocks
    /// below the head those endpoints agree on.
    case quorum(_ quorum: Int, confirmations: UInt64)

    /// The mode named in a configuration file: "none", "proofs" or "quorum"; `nil` for another name.
    public init?(named name: String, quorum: Int = 2, confirmations: UInt64 = 0) {
        switch name {
        case "none": self = .none
        case "proofs": self = .proofs(confirmations: confirmations)
        case "quorum": self = .quorum(quorum, confirmations: confirmations)
        default: return nil
        }
    }

    /// Blocks below the head a verified read stays.
    public var confirmations: UInt64 {
        switch self {
        case .none: 0
        case .proofs(let confirmations), .quorum(_, let confirmations): confirmations
        }
    }
}
