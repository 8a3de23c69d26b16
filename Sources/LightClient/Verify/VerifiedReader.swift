import JSON
import Synchronization

/// Why a verified read failed.
public enum VerifiedReadError: Error, Equatable, Sendable {
    /// No endpoint gave data that verified: the endpoints whose data failed, then the endpoint errors.
    case allEndpointsFailed(rejected: [VerificationFailure], errors: [JSONRPCError])
    /// The endpoints do not agree on a block (`VerificationError.noQuorum`).
    case noQuorum(VerificationError)
    /// The endpoints do not know the block.
    case blockNotFound(BlockReference)
}

/// Reads of one chain checked as its `VerificationMode` says: headers hash to their hash (and, under `quorum`,
/// enough endpoints agree on it), accounts and storage are proven against a header's state root, logs against its
/// receipts root. An endpoint whose data fails is demoted in the client's pool and its failure recorded; the read
/// moves on to the next endpoint. Safe to share between tasks.
public final class VerifiedReader: Sendable {
    /// The client whose endpoints are asked (and demoted).
    public let client: JSONRPCClient
    /// What is checked.
    public let mode: VerificationMode
    private let recorded = Mutex<[VerificationFailure]>([])

    /// A reader over `client`'s endpoints checking as `mode` says.
    public init(client: JSONRPCClient, mode: VerificationMode) {
        self.client = client
        self.mode = mode
    }

    /// Every verification failure so far, oldest first (each demoted its endpoint).
    public var failures: [VerificationFailure] { recorded.withLock { $0 } }

    /// The header `confirmations` blocks below the head: under `quorum`, the head of the endpoints that agree
    /// (the `quorum`-th highest) and a hash they agree on.
    public func confirmedHeader() async throws(VerifiedReadError) -> BlockHeader {
        if case .quorum(let needed, let confirmations) = mode {
            let heads = await eachEndpoint { (index) in
                try await self.client.blockNumber(onEndpoint: index)
            }
            let sorted = heads.compactMap { try? $0.get() }.sorted(by: >)
            guard sorted.count >= needed, needed > 0 else {
                throw .noQuorum(.noQuorum(number: sorted.first ?? 0, needed: needed, votes: []))
            }
            return try await header(sorted[needed - 1] >= confirmations ? sorted[needed - 1] - confirmations : 0)
        }
        let head = try await firstVerified(block: BlockReference()) { (index) in
            try await self.client.blockNumber(onEndpoint: index)
        }
        return try await header(head >= mode.confirmations ? head - mode.confirmations : 0)
    }

    /// Block `number`'s header: hashing to its claimed hash (unless `none`), and under `quorum` reported by enough
    /// endpoints.
    public func header(_ number: UInt64) async throws(VerifiedReadError) -> BlockHeader {
        if case .quorum(let needed, _) = mode { return try await quorumHeader(number, needed: needed) }
        return try await firstVerified(block: BlockReference(number: number)) { (index) in
            try await self.fetchHeader(number, on: index)
        }
    }

    /// The header of the block `hash`, hashing to it (unless `none`). One endpoint suffices in every mode: the hash
    /// is the anchor, whoever gave it.
    public func header(hash: [UInt8]) async throws(VerifiedReadError) -> BlockHeader {
        try await firstVerified(block: BlockReference(hash: hash)) { (index) in
            try await self.fetchHeader(hash: hash, on: index)
        }
    }

    /// The `count` headers before `header` (fewer near genesis), oldest first, each fetched by the parent hash of
    /// the one after it: they chain to `header` by construction. A parent whose number is not one less is rejected.
    public func ancestors(of header: BlockHeader, count: Int) async throws(VerifiedReadError) -> [BlockHeader] {
        var chain: [BlockHeader] = []
        var child = header
        while chain.count < count, child.number > 0 {
            let expected = BlockReference(number: child.number - 1, hash: child.parentHash)
            let parent = try await firstVerified(block: expected) { (index) in
                let parent = try await self.fetchHeader(hash: expected.hash!, on: index)
                guard parent.number == expected.number else {
                    throw VerificationError.wrongBlock(expected: expected, found: parent.id)
                }
                return parent
            }
            chain.append(parent)
            child = parent
        }
        return chain.reversed()
    }

    /// `address`'s account and `slots`, proven against `header`'s state root.
    public func account(
        _ address: Address, slots: [UInt256] = [], at header: BlockHeader
    ) async throws(VerifiedReadError) -> VerifiedAccount {
        try await firstVerified(block: header.id) { (index) in
            let json = try await self.client.proof(
                of: address, slots: slots, at: .number(header.number), onEndpoint: index)
            let untrusted = try UntrustedAccountProof(json: json)
            guard case .none = self.mode else { return try untrusted.verify(stateRoot: header.stateRoot) }
            return untrusted.unverified
        }
    }

    /// Every log of `header`'s block, proven by rebuilding its receipts trie (receipts from `eth_getBlockReceipts`,
    /// or one `eth_getTransactionReceipt` per transaction where that method is missing).
    public func logs(in header: BlockHeader) async throws(VerifiedReadError) -> [VerifiedLog] {
        try await firstVerified(block: header.id) { (index) in
            let receipts = try await self.receipts(of: header, on: index).enumerated().map {
                (position, json) throws(VerificationError) in
                try UntrustedReceipt(json: json, field: "receipts[\(position)]")
            }
            guard case .none = self.mode else { return try ReceiptsVerification.verify(receipts, header: header) }
            return ReceiptsVerification.unverifiedLogs(receipts, header: header)
        }
    }
}

extension VerifiedReader {
    func record(_ failure: VerificationFailure) {
        recorded.withLock { $0.append(failure) }
    }
}
