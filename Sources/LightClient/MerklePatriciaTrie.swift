import Hashing

/// An immutable, in-memory Merkle-Patricia trie (Ethereum's hexary trie): its root hash and proofs of its keys.
///
/// Built once from key/value pairs; empty values mean "absent", as in Ethereum's tries. For a "secure" trie
/// (state and storage), pass `Keccak256.hash(key)` as the key.
public struct MerklePatriciaTrie: Sendable {
    /// The root hash of the empty trie: keccak256 of the RLP empty string (0x80).
    public static let emptyRootHash = Keccak256.hash([0x80])

    private let root: TrieNode?
    /// The keccak of the root node's encoding.
    public let rootHash: [UInt8]

    /// A trie holding `entries`; a later entry for the same key replaces an earlier one, an empty value removes it.
    public init(_ entries: some Sequence<(key: [UInt8], value: [UInt8])>) {
        var latest: [[UInt8]: [UInt8]] = [:]
        for (key, value) in entries { latest[key] = value.isEmpty ? nil : value }
        let sorted = latest.map { (path: nibbles(of: $0.key), value: $0.value) }.sorted {
            $0.path.lexicographicallyPrecedes($1.path)
        }
        root = sorted.isEmpty ? nil : TrieNode.build(sorted[...], depth: 0)
        rootHash = root.map { Keccak256.hash($0.encoded) } ?? Self.emptyRootHash
    }

    /// The value stored under `key`, if any.
    public func value(forKey key: [UInt8]) -> [UInt8]? {
        var value: [UInt8]? = nil
        walk(key) { node, reached in
            guard reached else { return }
            switch node.kind {
            case .leaf(_, let found): value = found
            case .branch(_, let found) where !found.isEmpty: value = found
            default: break
            }
        }
        return value
    }

    /// The nodes from the root along `key`'s path, as `eth_getProof` returns them: every node referenced by hash
    /// (the root always), each as its RLP encoding. Proves the value, or the absence, of `key`.
    public func proof(forKey key: [UInt8]) -> [[UInt8]] {
        var proof: [[UInt8]] = []
        walk(key) { node, _ in
            if proof.isEmpty || node.encoded.count >= 32 { proof.append(node.encoded) }
        }
        return proof
    }

    /// Visits the nodes on `key`'s path; `reached` is true for a node where the whole key has been consumed by it.
    private func walk(_ key: [UInt8], visit: (TrieNode, _ reached: Bool) -> Void) {
        let path = nibbles(of: key)
        var position = 0
        var current = root
        while let node = current {
            current = nil
            switch node.kind {
            case .leaf(let rest, _):
                visit(node, path[position...].elementsEqual(rest))
            case .extension(let prefix, let child):
                visit(node, false)
                if path[position...].starts(with: prefix) {
                    position += prefix.count
                    current = child
                }
            case .branch(let children, _):
                visit(node, position == path.count)
                if position < path.count {
                    current = children[Int(path[position])]
                    position += 1
                }
            }
        }
    }
}

/// A node of a built trie with its RLP item and encoding.
final class TrieNode: Sendable {
    enum Kind: Sendable {
        /// The rest of the key's nibbles and the value.
        case leaf(path: [UInt8], value: [UInt8])
        /// Nibbles shared by every key below, then a branch.
        case `extension`(path: [UInt8], child: TrieNode)
        /// One child per next nibble, and the value of a key ending here (empty if none).
        case branch(children: [TrieNode?], value: [UInt8])
    }

    let kind: Kind
    let item: RLPItem
    let encoded: [UInt8]

    private init(_ kind: Kind, item: RLPItem) {
        self.kind = kind
        self.item = item
        self.encoded = item.encoded
    }

    /// How a parent refers to this node: embedded when its encoding is shorter than 32 bytes, else by hash.
    var reference: RLPItem {
        encoded.count < 32 ? item : .bytes(Keccak256.hash(encoded))
    }

    /// Builds the subtrie of `entries` (sorted by path, distinct, non-empty values) below `depth` nibbles.
    static func build(_ entries: ArraySlice<(path: [UInt8], value: [UInt8])>, depth: Int) -> TrieNode {
        let first = entries.first!
        if entries.count == 1 {
            let rest = Array(first.path[depth...])
            return TrieNode(
                .leaf(path: rest, value: first.value),
                item: .list([.bytes(compactEncoded(rest, isLeaf: true)), .bytes(first.value)]))
        }
        // Sorted keys: the prefix the first and last share is shared by all.
        let last = entries.last!
        var common = 0
        while depth + common < first.path.count && depth + common < last.path.count
            && first.path[depth + common] == last.path[depth + common]
        {
            common += 1
        }
        if common > 0 {
            let prefix = Array(first.path[depth..<depth + common])
            let child = build(entries, depth: depth + common)
            return TrieNode(
                .extension(path: prefix, child: child),
                item: .list([.bytes(compactEncoded(prefix, isLeaf: false)), child.reference]))
        }
        var rest = entries
        var value: [UInt8] = []
        if first.path.count == depth {
            value = first.value
            rest = rest.dropFirst()
        }
        var children = [TrieNode?](repeating: nil, count: 16)
        while let head = rest.first {
            let nibble = head.path[depth]
            let group = rest.prefix { $0.path[depth] == nibble }
            children[Int(nibble)] = build(group, depth: depth + 1)
            rest = rest.dropFirst(group.count)
        }
        let references = children.map { $0?.reference ?? .bytes([]) }
        return TrieNode(.branch(children: children, value: value), item: .list(references + [.bytes(value)]))
    }
}
