import Hashing
public import JSON

/// An account's state as proven against a state root, with the storage slots asked for.
public struct VerifiedAccount: Sendable, Hashable {
    /// The account's address.
    public var address: Address
    /// Its nonce.
    public var nonce: UInt64
    /// Its balance in wei.
    public var balance: UInt256
    /// The root of its storage trie.
    public var storageRoot: [UInt8]
    /// keccak256 of its code (keccak256("") for an account without code).
    public var codeHash: [UInt8]
    /// The proven value of each slot asked for (0 for a slot proven empty).
    public var storage: [UInt256: UInt256]
}

/// An `eth_getProof` result as a node sent it: claims about an account and its storage, and the trie nodes that
/// should prove them. Not to be used before `verify`.
public struct UntrustedAccountProof: Sendable, Hashable {
    /// One storage slot's claimed value and proof.
    public struct Slot: Sendable, Hashable {
        /// The slot number.
        public var slot: UInt256
        /// The value the node claims.
        public var claimedValue: UInt256
        /// The storage-trie nodes from the root along keccak256(slot).
        public var proof: [[UInt8]]
    }

    /// The account the proof is about.
    public var address: Address
    /// The claimed nonce.
    public var nonce: UInt64
    /// The claimed balance.
    public var balance: UInt256
    /// The claimed storage root.
    public var storageHash: [UInt8]
    /// The claimed code hash.
    public var codeHash: [UInt8]
    /// The state-trie nodes from the root along keccak256(address).
    public var accountProof: [[UInt8]]
    /// The storage slots.
    public var storageProof: [Slot]

    /// The most proof nodes accepted per proof (a 256-bit path has at most 65 nodes).
    public static let maxProofNodes = 80
    /// The largest proof node accepted (a full branch node is 532 bytes).
    public static let maxNodeBytes = 1024
    /// The most storage slots accepted in one proof.
    public static let maxSlots = 1024

    /// keccak256 of empty code: the code hash of accounts without code.
    public static let emptyCodeHash = Keccak256.hash([])

    /// Reads an `eth_getProof` result; `.malformed` for a missing or malformed field or an oversized proof.
    public init(json object: JSONObject) throws(VerificationError) {
        let fields = UntrustedFields(object)
        address = try fields.address("address")
        nonce = try fields.uint64("nonce")
        balance = try fields.quantity("balance")
        storageHash = try fields.data("storageHash", count: 32)
        codeHash = try fields.data("codeHash", count: 32)
        accountProof = try fields.dataArray("accountProof", maxCount: Self.maxProofNodes, maxBytes: Self.maxNodeBytes)
        storageProof = []
        for (index, element) in try fields.array("storageProof", maxCount: Self.maxSlots).enumerated() {
            let slot = try UntrustedFields(element, field: "storageProof[\(index)]")
            storageProof.append(
                Slot(
                    slot: try slot.word("key"), claimedValue: try slot.quantity("value"),
                    proof: try slot.dataArray("proof", maxCount: Self.maxProofNodes, maxBytes: Self.maxNodeBytes)))
        }
    }

    /// The account and slots, once `accountProof` proves the claimed account (or its absence, for an empty claim)
    /// under `stateRoot` and every storage proof proves its claimed value under the proven storage root.
    public func verify(stateRoot: [UInt8]) throws(VerificationError) -> VerifiedAccount {
        let account = try verifyAccount(stateRoot: stateRoot)
        var storage: [UInt256: UInt256] = [:]
        for slot in storageProof {
            storage[slot.slot] = try Self.verifySlot(slot, storageRoot: account.storageRoot)
        }
        return VerifiedAccount(
            address: address, nonce: account.nonce, balance: account.balance, storageRoot: account.storageRoot,
            codeHash: account.codeHash, storage: storage)
    }

    /// The proven account fields, compared with the claimed ones.
    private func verifyAccount(
        stateRoot: [UInt8]
    ) throws(VerificationError) -> (nonce: UInt64, balance: UInt256, storageRoot: [UInt8], codeHash: [UInt8]) {
        let proven: [UInt8]?
        do throws(ProofError) {
            proven = try TrieProof.verify(root: stateRoot, key: Keccak256.hash(address.bytes), proof: accountProof)
        } catch {
            throw .accountProof(address: address, error)
        }
        // An absent account reads as the empty account.
        let found =
            try proven.map { (bytes) throws(VerificationError) in try Self.decodeAccount(bytes, address: address) }
            ?? (nonce: 0, balance: .zero, storageRoot: MerklePatriciaTrie.emptyRootHash, codeHash: Self.emptyCodeHash)
        try check("nonce", UInt256(nonce).minimalBigEndianBytes, UInt256(found.nonce).minimalBigEndianBytes)
        try check("balance", balance.minimalBigEndianBytes, found.balance.minimalBigEndianBytes)
        try check("storageHash", storageHash, found.storageRoot)
        try check("codeHash", codeHash, found.codeHash)
        return found
    }

    private func check(_ field: String, _ claimed: [UInt8], _ proven: [UInt8]) throws(VerificationError) {
        guard claimed == proven else {
            throw .accountMismatch(address: address, field: field, expected: proven, found: claimed)
        }
    }

    /// The account RLP `[nonce, balance, storageRoot, codeHash]`.
    private static func decodeAccount(
        _ bytes: [UInt8], address: Address
    ) throws(VerificationError) -> (nonce: UInt64, balance: UInt256, storageRoot: [UInt8], codeHash: [UInt8]) {
        do throws(RLPError) {
            let items = try RLPDecoder(maxDepth: 2).decode(bytes).listValue()
            guard items.count == 4, let nonce = try items[0].uint256Value().uint64Value else {
                throw .expectedList
            }
            let storageRoot = try items[2].bytesValue()
            let codeHash = try items[3].bytesValue()
            guard storageRoot.count == 32, codeHash.count == 32 else { throw .expectedBytes }
            return (nonce, try items[1].uint256Value(), storageRoot, codeHash)
        } catch {
            throw .accountProof(address: address, .badNode(index: 0, reason: "account value: \(error)"))
        }
    }

    /// The slot's proven value after checking it equals the claimed one.
    private static func verifySlot(_ slot: Slot, storageRoot: [UInt8]) throws(VerificationError) -> UInt256 {
        let key = Keccak256.hash(slot.slot.bigEndianBytes)
        let found: UInt256
        do throws(ProofError) {
            let proven = try TrieProof.verify(root: storageRoot, key: key, proof: slot.proof)
            found = try proven.map { (bytes) throws(ProofError) in try decodeStorageValue(bytes) } ?? .zero
        } catch {
            throw .storageProof(slot: slot.slot, error)
        }
        guard found == slot.claimedValue else {
            throw .storageMismatch(slot: slot.slot, expected: found, found: slot.claimedValue)
        }
        return found
    }

    /// A storage leaf: the RLP of the value's minimal big-endian bytes, never zero (zero slots are absent).
    private static func decodeStorageValue(_ bytes: [UInt8]) throws(ProofError) -> UInt256 {
        do throws(RLPError) {
            let value = try RLPDecoder(maxDepth: 1).decode(bytes).uint256Value()
            guard !value.isZero else { throw .leadingZeroInInteger }
            return value
        } catch {
            throw .badNode(index: 0, reason: "storage value: \(error)")
        }
    }
}

extension UntrustedAccountProof {
    /// The claims as they are, without checking them (verification mode `none`).
    public var unverified: VerifiedAccount {
        VerifiedAccount(
            address: address, nonce: nonce, balance: balance, storageRoot: storageHash, codeHash: codeHash,
            storage: Dictionary(storageProof.map { ($0.slot, $0.claimedValue) }, uniquingKeysWith: { $1 }))
    }
}
