/// A candidate merge of two adjacent symbols, ordered by priority and then leftmost first.
struct MergeCandidate {
    /// Lower merges first (BPE rank, or a negated SentencePiece score).
    let priority: Float
    let left: Int
    let right: Int
    /// The merged symbol's length in scalars when queued; a mismatch later means the candidate is stale.
    let length: Int

    func precedes(_ other: MergeCandidate) -> Bool {
        priority < other.priority || (priority == other.priority && left < other.left)
    }
}

/// A binary min-heap of merge candidates.
struct MergeQueue {
    private var heap: [MergeCandidate] = []

    mutating func push(_ candidate: MergeCandidate) {
        heap.append(candidate)
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].precedes(heap[parent]) else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> MergeCandidate? {
        guard let last = heap.popLast() else { return nil }
        guard !heap.isEmpty else { return last }
        let top = heap[0]
        heap[0] = last
        var parent = 0
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var first = parent
            if left < heap.count && heap[left].precedes(heap[first]) { first = left }
            if right < heap.count && heap[right].precedes(heap[first]) { first = right }
            if first == parent { break }
            heap.swapAt(parent, first)
            parent = first
        }
        return top
    }
}

/// A word being merged: symbols are runs of its scalars, linked left to right; a merged-away symbol is empty.
struct SymbolChain {
    let scalars: [Unicode.Scalar]
    private(set) var starts: [Int]
    private(set) var lengths: [Int]
    private(set) var nexts: [Int]
    private(set) var previous: [Int]

    /// One symbol per scalar.
    init(_ scalars: [Unicode.Scalar]) {
        self.scalars = scalars
        starts = Array(scalars.indices)
        lengths = Array(repeating: 1, count: scalars.count)
        nexts = scalars.indices.map { $0 + 1 < scalars.count ? $0 + 1 : -1 }
        previous = scalars.indices.map { $0 - 1 }
    }

    func text(_ symbol: Int) -> String {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars[starts[symbol]..<starts[symbol] + lengths[symbol]])
        return String(view)
    }

    /// Whether a queued candidate still joins two live neighbours of the lengths it was queued with.
    func isCurrent(_ candidate: MergeCandidate) -> Bool {
        lengths[candidate.left] > 0 && lengths[candidate.right] > 0
            && lengths[candidate.left] + lengths[candidate.right] == candidate.length
    }

    /// Joins `right` into `left`.
    mutating func merge(_ left: Int, _ right: Int) {
        lengths[left] += lengths[right]
        lengths[right] = 0
        nexts[left] = nexts[right]
        if nexts[right] >= 0 { previous[nexts[right]] = left }
    }

    /// Merges neighbours until no pair has a priority: always the pair with the lowest `priority` (the leftmost
    /// among equals), re-queuing the merged symbol's new pairs.
    mutating func mergeAll(priority: (SymbolChain, Int, Int) -> Float?) {
        var queue = MergeQueue()
        func enqueue(_ left: Int, _ right: Int) {
            guard left >= 0, right >= 0, let value = priority(self, left, right) else { return }
            queue.push(
                MergeCandidate(priority: value, left: left, right: right, length: lengths[left] + lengths[right]))
        }
        for symbol in symbols { enqueue(previous[symbol], symbol) }
        while let candidate = queue.pop() {
            guard isCurrent(candidate) else { continue }
            merge(candidate.left, candidate.right)
            enqueue(previous[candidate.left], candidate.left)
            enqueue(candidate.left, nexts[candidate.left])
        }
    }

    /// The live symbols, left to right.
    var symbols: [Int] {
        var result: [Int] = []
        var symbol = scalars.isEmpty ? -1 : 0
        while symbol >= 0 {
            result.append(symbol)
            symbol = nexts[symbol]
        }
        return result
    }
}
