import Synchronization

/// A grammar applied to one vocabulary: whether a token may come next, and the set of tokens that may, computed
/// lazily per grammar state (a walk of the token trie) and cached by state, since the same states come back at
/// every object key, every string and every request with the same schema.
public final class GrammarConstraint: Sendable {
    public let grammar: JSONGrammar
    let trie: TokenTrie
    /// Tokens that end generation; allowed where the grammar's value is whole.
    let endOfGeneration: Set<TokenID>
    private let masks: Mutex<MaskCache>
    /// States whose masks are kept (each is one bit per token: 6 KB for a 49 152-token vocabulary).
    static let cachedStates = 512

    public init(grammar: JSONGrammar, trie: TokenTrie, endOfGeneration: Set<TokenID>) {
        self.grammar = grammar
        self.trie = trie
        self.endOfGeneration = endOfGeneration
        masks = Mutex(MaskCache())
    }

    /// Whether `token` may follow `state`.
    public func allows(_ token: TokenID, after state: JSONGrammarState) -> Bool {
        if endOfGeneration.contains(token) { return state.canEnd(in: grammar) }
        guard token >= 0, Int(token) < trie.pieces.count, !trie.pieces[Int(token)].isEmpty else { return false }
        var next = state
        return next.feed(trie.pieces[Int(token)], in: grammar)
    }

    /// The tokens that may follow `state`, one bit per token id.
    public func allowedTokens(after state: JSONGrammarState) -> TokenMask {
        if let cached = masks.withLock({ $0.entries[state] }) { return cached }
        var mask = TokenMask(count: trie.pieces.count)
        trie.forEachAllowed(from: state, in: grammar) { mask.insert($0) }
        if state.canEnd(in: grammar) {
            for token in endOfGeneration where Int(token) < mask.count { mask.insert(token) }
        }
        masks.withLock { $0.store(mask, for: state, limit: Self.cachedStates) }
        return mask
    }

    /// The state after `token` (which `allows` accepted).
    public func advance(_ state: inout JSONGrammarState, by token: TokenID) {
        guard !endOfGeneration.contains(token), Int(token) < trie.pieces.count else { return }
        _ = state.feed(trie.pieces[Int(token)], in: grammar)
    }

    /// Masks by state; when full, the oldest half is dropped.
    private struct MaskCache {
        var entries: [JSONGrammarState: TokenMask] = [:]
        var order: [JSONGrammarState] = []

        mutating func store(_ mask: TokenMask, for state: JSONGrammarState, limit: Int) {
            guard entries.updateValue(mask, forKey: state) == nil else { return }
            order.append(state)
            if order.count > limit {
                for old in order.prefix(limit / 2) { entries[old] = nil }
                order.removeFirst(limit / 2)
            }
        }
    }
}

/// A set of token ids as bits.
public struct TokenMask: Sendable, Equatable {
    private var words: [UInt64]
    /// The number of token ids it ranges over.
    public let count: Int

    public init(count: Int) {
        self.count = count
        words = Array(repeating: 0, count: (count + 63) / 64)
    }

    public mutating func insert(_ token: TokenID) {
        words[Int(token) >> 6] |= 1 << UInt64(Int(token) & 63)
    }

    public func contains(_ token: TokenID) -> Bool {
        token >= 0 && Int(token) < count && words[Int(token) >> 6] & (1 << UInt64(Int(token) & 63)) != 0
    }

    /// Whether no token is in it.
    public var isEmpty: Bool { words.allSatisfy { $0 == 0 } }

    /// `logits` with every token outside the set at minus infinity.
    public func apply(to logits: inout [Float]) {
        for index in logits.indices where !contains(TokenID(index)) { logits[index] = -.infinity }
    }
}
