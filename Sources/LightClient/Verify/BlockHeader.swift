import Hashing

/// An Ethereum block header with every field a node may return, in the order they are hashed. Arbitrum Nitro and
/// Orbit headers are ordinary headers (their `extraData` carries the send root, `mixHash` the send count, L1 block
/// number and ArbOS version), so the same encoding hashes them.
///
/// The fork fields are optional and form a prefix: a header has `baseFeePerGas` (London) before `withdrawalsRoot`
/// (Shanghai), before `blobGasUsed`, `excessBlobGas` and `parentBeaconBlockRoot` (Cancun), before `requestsHash`
/// (Prague).
public struct BlockHeader: Sendable, Hashable {
    /// The parent block's hash.
    public var parentHash: [UInt8]
    /// The hash of the ommers (uncles) list; the empty list's hash since the merge and on rollups.
    public var ommersHash: [UInt8]
    /// The fee recipient (`miner`); Arbitrum's sequencer address.
    public var beneficiary: Address
    /// The root of the state trie after this block.
    public var stateRoot: [UInt8]
    /// The root of the trie of this block's transactions.
    public var transactionsRoot: [UInt8]
    /// The root of the trie of this block's receipts.
    public var receiptsRoot: [UInt8]
    /// The 256-byte bloom filter of the block's logs.
    public var logsBloom: [UInt8]
    /// The proof-of-work difficulty (0 after the merge, 1 on Arbitrum).
    public var difficulty: UInt256
    /// The block number.
    public var number: UInt64
    /// The block gas limit.
    public var gasLimit: UInt64
    /// The gas used by the block's transactions.
    public var gasUsed: UInt64
    /// Seconds since the Unix epoch.
    public var timestamp: UInt64
    /// Free bytes (at most 32 on Ethereum); Arbitrum's send root.
    public var extraData: [UInt8]
    /// `prevRandao` since the merge; Arbitrum's send count, L1 block number and ArbOS version.
    public var mixHash: [UInt8]
    /// The 8-byte proof-of-work nonce; Arbitrum's delayed-message count.
    public var nonce: [UInt8]
    /// EIP-1559 base fee (London and later).
    public var baseFeePerGas: UInt256?
    /// The root of the withdrawals trie (Shanghai and later).
    public var withdrawalsRoot: [UInt8]?
    /// Blob gas used (Cancun and later).
    public var blobGasUsed: UInt64?
    /// Excess blob gas (Cancun and later).
    public var excessBlobGas: UInt64?
    /// The parent beacon block root (Cancun and later).
    public var parentBeaconBlockRoot: [UInt8]?
    /// The hash of the execution-layer requests (Prague and later).
    public var requestsHash: [UInt8]?

    /// The RLP list the block hash is computed over: the legacy fields, then the fork fields present.
    public var rlpItem: RLPItem {
        var items: [RLPItem] = [
            .bytes(parentHash), .bytes(ommersHash), .bytes(beneficiary.bytes), .bytes(stateRoot),
            .bytes(transactionsRoot), .bytes(receiptsRoot), .bytes(logsBloom), .uint(difficulty),
            .uint(UInt256(number)), .uint(UInt256(gasLimit)), .uint(UInt256(gasUsed)), .uint(UInt256(timestamp)),
            .bytes(extraData), .bytes(mixHash), .bytes(nonce),
        ]
        let forkFields: [RLPItem?] = [
            baseFeePerGas.map { .uint($0) }, withdrawalsRoot.map { .bytes($0) },
            blobGasUsed.map { .uint(UInt256($0)) }, excessBlobGas.map { .uint(UInt256($0)) },
            parentBeaconBlockRoot.map { .bytes($0) }, requestsHash.map { .bytes($0) },
        ]
        for field in forkFields {
            guard let field else { break }
            items.append(field)
        }
        return .list(items)
    }

    /// The block hash: keccak256 of the header's RLP encoding.
    public var hash: [UInt8] {
        Keccak256.hash(rlpItem.encoded)
    }

    /// This block's name in errors.
    public var id: BlockReference { BlockReference(number: number, hash: hash) }
}

/// A header as a node sent it, with the hash the node claims for it: not to be used before `verify`.
public struct UntrustedBlockHeader: Sendable, Hashable {
    /// The decoded fields.
    public var fields: BlockHeader
    /// The `hash` the node sent along.
    public var claimedHash: [UInt8]

    /// A header with the hash claimed for it.
    public init(fields: BlockHeader, claimedHash: [UInt8]) {
        self.fields = fields
        self.claimedHash = claimedHash
    }

    /// The header, once its fields hash to the claimed hash (and to `expectedHash`, when the caller asked for a
    /// block by hash or holds the hash from elsewhere).
    public func verify(expectedHash: [UInt8]? = nil) throws(VerificationError) -> BlockHeader {
        let found = fields.hash
        guard found == claimedHash else { throw .headerHashMismatch(expected: claimedHash, found: found) }
        if let expectedHash, expectedHash != found {
            throw .headerHashMismatch(expected: expectedHash, found: found)
        }
        return fields
    }
}

/// Checks of several headers together.
public enum HeaderChain {
    /// Checks that `headers` (oldest first, each already verified) form a chain: consecutive numbers and each
    /// header's `parentHash` the hash of the one before it.
    public static func verifyLinks(_ headers: [BlockHeader]) throws(VerificationError) {
        for (parent, child) in zip(headers, headers.dropFirst()) {
            guard parent.number < .max, child.number == parent.number + 1 else {
                throw .wrongBlock(
                    expected: BlockReference(number: parent.number &+ 1), found: BlockReference(number: child.number))
            }
            let parentHash = parent.hash
            guard child.parentHash == parentHash else {
                throw .brokenChain(number: child.number, expected: parentHash, found: child.parentHash)
            }
        }
    }
}
