/// The vocabulary's token texts (their bytes, as the detokenizer writes them) as a prefix tree, so that which
/// tokens a grammar state allows is found by one walk that tries each shared prefix once and drops a whole subtree
/// at its first refused byte (the walk llama.cpp's grammar sampler makes over its candidates).
public struct TokenTrie: Sendable {
    /// Each token's bytes; empty for tokens that write nothing (control tokens), which a grammar never allows.
    public let pieces: [[UInt8]]
    /// Node `n`'s edges are `edgeBytes[firstEdge[n]..<endEdge[n]]`, leading to `edgeTargets[…]`.
    private let firstEdge: [Int32]
    private let endEdge: [Int32]
    private let edgeBytes: [UInt8]
    private let edgeTargets: [Int32]
    /// Node `n`'s tokens (whose bytes end there) are `tokens[firstToken[n]..<firstToken[n + 1]]`.
    private let firstToken: [Int32]
    private let tokens: [TokenID]

    /// The trie of `tokenizer`'s vocabulary.
    public init(tokenizer: Tokenizer) {
        self.init(pieces: (0..<tokenizer.vocabulary.count).map { tokenizer.piece(for: TokenID($0)) })
    }

    init(pieces: [[UInt8]]) {
        self.pieces = pieces
        let order = pieces.indices.filter { !pieces[$0].isEmpty }.sorted {
            pieces[$0].lexicographicallyPrecedes(pieces[$1])
        }
        var builder = Builder()
        builder.addNode(order.map { TokenID($0) }[...], depth: 0, pieces: pieces)
        firstEdge = builder.firstEdge
        endEdge = builder.endEdge
        edgeBytes = builder.edgeBytes
        edgeTargets = builder.edgeTargets
        firstToken = builder.firstToken + [Int32(builder.tokens.count)]
        tokens = builder.tokens
    }

    /// The number of nodes.
    var nodeCount: Int { firstEdge.count }

    /// Calls `allow` for every token whose bytes `state` accepts in `grammar`, skipping subtrees at refused bytes.
    func forEachAllowed(from state: JSONGrammarState, in grammar: JSONGrammar, _ allow: (TokenID) -> Void) {
        visit(0, state, grammar, allow)
    }

    private func visit(
        _ node: Int32, _ state: JSONGrammarState, _ grammar: JSONGrammar, _ allow: (TokenID) -> Void
    ) {
        for edge in Int(firstEdge[Int(node)])..<Int(endEdge[Int(node)]) {
            var next = state
            guard next.feed(edgeBytes[edge], in: grammar) else { continue }
            let target = Int(edgeTargets[edge])
            for index in Int(firstToken[target])..<Int(firstToken[target + 1]) { allow(tokens[index]) }
            visit(Int32(target), next, grammar, allow)
        }
    }

    /// Lays nodes out in preorder: a node's edges are contiguous, so are its tokens.
    private struct Builder {
        var firstEdge: [Int32] = []
        var endEdge: [Int32] = []
        var edgeBytes: [UInt8] = []
        var edgeTargets: [Int32] = []
        var firstToken: [Int32] = []
        var tokens: [TokenID] = []

        /// Adds the node for the sorted tokens `group`, which share their first `depth` bytes; returns its index.
        @discardableResult
        mutating func addNode(_ group: ArraySlice<TokenID>, depth: Int, pieces: [[UInt8]]) -> Int32 {
            let node = firstEdge.count
            let ending = group.prefix { pieces[Int($0)].count == depth }
            firstToken.append(Int32(tokens.count))
            tokens.append(contentsOf: ending)
            var children: [(byte: UInt8, group: ArraySlice<TokenID>)] = []
            var rest = group.dropFirst(ending.count)
            while let first = rest.first {
                let byte = pieces[Int(first)][depth]
                let child = rest.prefix { pieces[Int($0)][depth] == byte }
                children.append((byte, child))
                rest = rest.dropFirst(child.count)
            }
            // A node's edges are written after its children's, so that they are contiguous in `edgeBytes`.
            firstEdge.append(0)
            endEdge.append(0)
            let targets = children.map { addNode($0.group, depth: depth + 1, pieces: pieces) }
            firstEdge[node] = Int32(edgeBytes.count)
            edgeBytes.append(contentsOf: children.map(\.byte))
            edgeTargets.append(contentsOf: targets)
            endEdge[node] = Int32(edgeBytes.count)
            return Int32(node)
        }
    }
}
