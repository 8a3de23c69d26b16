import System

/// Why untrusted chain data was rejected. Every case carries the evidence: what was expected and what was found.
public enum VerificationError: Error, Equatable, Sendable {
    /// A JSON field is missing or malformed (`field` names it, `reason` says how).
    case malformed(field: String, reason: String)
    /// The header's fields hash to `found`, not to the `expected` hash (claimed by the node or asked for).
    case headerHashMismatch(expected: [UInt8], found: [UInt8])
    /// Block `number` does not link to the block before it: its parent hash is `found`, not `expected`.
    case brokenChain(number: UInt64, expected: [UInt8], found: [UInt8])
    /// The node answered for another block than the one asked for.
    case wrongBlock(expected: BlockReference, found: BlockReference)
    /// The account proof of `address` does not prove anything under the state root.
    case accountProof(address: Address, ProofError)
    /// The node claims `found` for the account's `field`; its proof establishes `expected`.
    case accountMismatch(address: Address, field: String, expected: [UInt8], found: [UInt8])
    /// The storage proof of `slot` does not prove anything under the account's storage root.
    case storageProof(slot: UInt256, ProofError)
    /// The node claims `found` for `slot`; its proof establishes `expected`.
    case storageMismatch(slot: UInt256, expected: UInt256, found: UInt256)
    /// The receipts rebuild a trie whose root is `found`, not the header's `expected` receipts root.
    case receiptsRootMismatch(expected: [UInt8], found: [UInt8])
    /// Receipt `index` claims another block or position than the one verified.
    case receiptOutOfPlace(index: Int, reason: String)
    /// Fewer than `needed` endpoints agree on block `number`'s hash; `votes` counts each hash seen.
    case noQuorum(number: UInt64, needed: Int, votes: [QuorumVote])
}

/// A block named by number, hash or both, for errors.
public struct BlockReference: Equatable, Hashable, Sendable, CustomStringConvertible {
    /// The block number, when known.
    public var number: UInt64?
    /// The block hash, when known.
    public var hash: [UInt8]?

    /// Names a block.
    public init(number: UInt64? = nil, hash: [UInt8]? = nil) {
        self.number = number
        self.hash = hash
    }

    /// "#12 0xab…" or whichever part is known.
    public var description: String {
        [number.map { "#\($0)" }, hash.map { Hex.encode($0) }].compactMap { $0 }.joined(separator: " ")
    }
}

/// The endpoints that reported one hash for a block.
public struct QuorumVote: Equatable, Hashable, Sendable {
    /// The block hash they reported (verified against the header they sent).
    public var hash: [UInt8]
    /// The names of the endpoints reporting it.
    public var endpoints: [String]

    /// A vote of `endpoints` for `hash`.
    public init(hash: [UInt8], endpoints: [String]) {
        self.hash = hash
        self.endpoints = endpoints
    }
}

/// A verification that failed on data from one endpoint: which endpoint, which block, and why.
public struct VerificationFailure: Error, Equatable, Sendable, CustomStringConvertible {
    /// The name of the endpoint whose data failed (never its URL).
    public var endpoint: String
    /// The block the data belongs to.
    public var block: BlockReference
    /// What did not match.
    public var reason: VerificationError

    /// A failure of `endpoint`'s data for `block`.
    public init(endpoint: String, block: BlockReference, reason: VerificationError) {
        self.endpoint = endpoint
        self.block = block
        self.reason = reason
    }

    /// One line naming the endpoint, the block and the mismatch.
    public var description: String { "endpoint \(endpoint), block \(block): \(reason)" }
}
