import Inference
import Synchronization

/// The local model's grammar constraints, kept across requests: the vocabulary's token trie (built on the first
/// structured request, not at start: it costs ~40 ms and a few MB), and one constraint per recent grammar, whose
/// cached token masks make the next request with the same schema cheap.
final class LocalGrammarConstraints: Sendable {
    private let tokenizer: Tokenizer
    private let state = Mutex<State>(State())
    /// Grammars whose constraints (and masks) are kept.
    static let kept = 8

    private struct State {
        var trie: TokenTrie?
        var recent: [GrammarConstraint] = []
    }

    init(tokenizer: Tokenizer) {
        self.tokenizer = tokenizer
    }

    /// The constraint for `grammar` on this model's vocabulary.
    func constraint(for grammar: JSONGrammar) -> GrammarConstraint {
        state.withLock { state in
            if let index = state.recent.firstIndex(where: { $0.grammar == grammar }) {
                let found = state.recent.remove(at: index)
                state.recent.append(found)
                return found
            }
            let trie = state.trie ?? TokenTrie(tokenizer: tokenizer)
            state.trie = trie
            let constraint = GrammarConstraint(
                grammar: grammar, trie: trie, endOfGeneration: Generator.endOfGenerationTokens(tokenizer.vocabulary))
            state.recent.append(constraint)
            if state.recent.count > Self.kept { state.recent.removeFirst() }
            return constraint
        }
    }
}
