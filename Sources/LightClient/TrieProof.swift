import Hashing

/// Verification of Merkle-Patricia proofs (`eth_getProof`'s `accountProof` and `storageProof`) against a root.
///
/// Pure: the proof is untrusted input; every node must hash to the reference that leads to it.
public enum TrieProof {
    /// Follows `key` from `root` through `proof` and returns the value it proves, or `nil` when it proves the key
    /// absent. `proof` lists the hash-referenced nodes from the root down, as `eth_getProof` returns them.
    public static func verify(root: [UInt8], key: [UInt8], proof: [[UInt8]]) throws(ProofError) -> [UInt8]? {
        switch try walk(root: root, key: key, proof: proof) {
        case .value(let value): value
        case .absent: nil
        }
    }

    /// Checks that `proof` proves `key` holds `value` under `root`: `pathMismatch` when it proves the key absent,
    /// `valueMismatch` when it proves another value.
    public static func verifyInclusion(
        root: [UInt8], key: [UInt8], value: [UInt8], proof: [[UInt8]]
    ) throws(ProofError) {
        switch try walk(root: root, key: key, proof: proof) {
        case .absent(let nibble):
            throw .pathMismatch(nibble: nibble)
        case .value(let found):
            guard found == value else { throw .valueMismatch(expected: value, found: found) }
        }
    }

    /// Checks that `proof` proves `key` absent under `root`.
    public static func verifyExclusion(root: [UInt8], key: [UInt8], proof: [[UInt8]]) throws(ProofError) {
        if case .value(let found) = try walk(root: root, key: key, proof: proof) {
            throw .valueMismatch(expected: nil, found: found)
        }
    }

    private static func walk(root: [UInt8], key: [UInt8], proof: [[UInt8]]) throws(ProofError) -> ProofOutcome {
        guard let first = proof.first else {
            guard root == MerklePatriciaTrie.emptyRootHash else { throw .missingNode(index: 0, hash: root) }
            return .absent(nibble: 0)
        }
        var walker = ProofWalker(proof: proof, path: nibbles(of: key))
        var node = try walker.node(at: 0, expectedHash: root, encoded: first)
        while true {
            switch try walker.step(node) {
            case .found(let outcome):
                guard walker.index == proof.count - 1 else { throw .unusedNodes(count: proof.count - 1 - walker.index) }
                return outcome
            case .next(let child):
                node = child
            }
        }
    }
}

/// What a valid proof establishes about a key.
private enum ProofOutcome {
    /// The key holds this (non-empty) value.
    case value([UInt8])
    /// The key is absent: the trie has nothing where its path leaves the proven nodes, at this nibble.
    case absent(nibble: Int)
}

/// Why a proof does not establish anything under the given root.
public enum ProofError: Error, Equatable, Sendable {
    /// Proof node `index` does not hash to the reference that leads to it (`expected`).
    case hashMismatch(index: Int, expected: [UInt8], found: [UInt8])
    /// The path leads to a hash-referenced node the proof does not contain (it has only `index` nodes).
    case missingNode(index: Int, hash: [UInt8])
    /// Proof node `index` (or a node embedded in it) is not a well-formed trie node.
    case badNode(index: Int, reason: String)
    /// The path ended before the proof did.
    case unusedNodes(count: Int)
    /// The proof is valid but proves the key absent: the trie's path leaves the key's at this nibble.
    case pathMismatch(nibble: Int)
    /// The proof is valid but proves a different value (nil: absence) than the one claimed.
    case valueMismatch(expected: [UInt8]?, found: [UInt8]?)
}

/// The state of one walk down a proof: which proof node we are in and how much of the path is consumed.
private struct ProofWalker {
    enum Step {
        case found(ProofOutcome)
        case next(RLPItem)
    }

    let proof: [[UInt8]]
    let path: [UInt8]
    var position = 0
    var index = 0

    /// Decodes proof node `index` after checking it hashes to `expectedHash`.
    func node(at index: Int, expectedHash: [UInt8], encoded: [UInt8]) throws(ProofError) -> RLPItem {
        let hash = Keccak256.hash(encoded)
        guard hash == expectedHash else { throw .hashMismatch(index: index, expected: expectedHash, found: hash) }
        do {
            return try RLPDecoder(maxDepth: 8).decode(encoded)
        } catch {
            throw .badNode(index: index, reason: "RLP: \(error)")
        }
    }

    /// Consumes one node: a value or proven absence, or the child to continue with.
    mutating func step(_ node: RLPItem) throws(ProofError) -> Step {
        guard case .list(let items) = node else { throw bad("a node must be a list") }
        if items.count == 17 {
            guard position < path.count else {
                guard case .bytes(let value) = items[16] else { throw bad("branch value must be bytes") }
                return .found(value.isEmpty ? .absent(nibble: position) : .value(value))
            }
            let child = items[Int(path[position])]
            if case .bytes(let reference) = child, reference.isEmpty { return .found(.absent(nibble: position)) }
            position += 1
            return try follow(child)
        }
        guard items.count == 2, case .bytes(let compact) = items[0], let (nodePath, isLeaf) = compactDecoded(compact)
        else { throw bad("a node must have 17 items or a hex-prefix path and one more") }
        let rest = path[position...]
        if isLeaf {
            guard case .bytes(let value) = items[1], !value.isEmpty else { throw bad("leaf value must be non-empty") }
            return .found(rest.elementsEqual(nodePath) ? .value(value) : .absent(nibble: position))
        }
        guard !nodePath.isEmpty else { throw bad("extension with an empty path") }
        guard rest.starts(with: nodePath) else { return .found(.absent(nibble: position)) }
        position += nodePath.count
        return try follow(items[1])
    }

    /// Resolves a child reference: empty (absent), a 32-byte hash (the next proof node) or an embedded node.
    private mutating func follow(_ reference: RLPItem) throws(ProofError) -> Step {
        switch reference {
        case .bytes(let hash) where hash.isEmpty:
            return .found(.absent(nibble: position))
        case .bytes(let hash) where hash.count == 32:
            index += 1
            guard index < proof.count else { throw .missingNode(index: index, hash: hash) }
            return .next(try node(at: index, expectedHash: hash, encoded: proof[index]))
        case .list:
            guard reference.encoded.count < 32 else { throw bad("embedded node of 32 bytes or more") }
            return .next(reference)
        case .bytes:
            throw bad("child reference must be empty, a 32-byte hash or an embedded node")
        }
    }

    private func bad(_ reason: String) -> ProofError {
        .badNode(index: index, reason: reason)
    }
}
