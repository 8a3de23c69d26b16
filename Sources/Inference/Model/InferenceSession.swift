/// One conversation's state on a model: the key/value cache and the position. Takes a prompt in one batch or
/// tokens one at a time and returns the logits for the next one. Not thread-safe; run one session per generation.
public final class InferenceSession {
    public let model: LlamaModel
    public let contextLength: Int
    /// Tokens evaluated so far (the next token's position).
    public private(set) var position = 0
    private let pool: ThreadPool
    /// Per layer, keys position-minor: (layer, keyValueHeadCount * headDimension, contextLength), so that a query
    /// element meets every position's key element in one contiguous run.
    private var keys: [[Float]]
    /// Per layer, values position-major: (layer, contextLength, keyValueHeadCount * headDimension).
    private var values: [[Float]]
    /// Attention weights of one head over the positions so far: (contextLength).
    private var scores: [Float]

    /// Why a token could not be evaluated.
    public enum Failure: Error, Sendable, Equatable {
        case contextFull(contextLength: Int)
        case tokenOutOfRange(TokenID)
    }

    /// A session holding at most `contextLength` tokens (capped at the model's), computing on `pool`.
    public init(model: LlamaModel, contextLength: Int? = nil, pool: ThreadPool) {
        self.model = model
        let c = model.configuration
        self.contextLength = min(max(1, contextLength ?? c.contextLength), c.contextLength)
        self.pool = pool
        let cacheSize = self.contextLength * c.keyValueHeadCount * c.headDimension
        keys = Array(repeating: [Float](repeating: 0, count: cacheSize), count: c.layerCount)
        values = keys
        scores = [Float](repeating: 0, count: self.contextLength)
    }

    /// Forgets every token.
    public func reset() { position = 0 }

    /// Evaluates `token` at the current position; returns the next-token logits when `wantLogits`.
    @discardableResult
    public func evaluate(_ token: TokenID, wantLogits: Bool = true) throws(Failure) -> [Float]? {
        try evaluate(batch: [token], wantLogits: wantLogits)
    }

    /// Evaluates `tokens` (a prompt) from the current position in one pass per layer, so every weight matrix is
    /// read from memory once for all of them; returns the logits after the last one when `wantLogits`. The
    /// results equal evaluating the tokens one at a time.
    @discardableResult
    public func evaluate(batch tokens: [TokenID], wantLogits: Bool = true) throws(Failure) -> [Float]? {
        guard let hidden = try forward(tokens).last, wantLogits else { return nil }
        return project(Batch([hidden], for: [model.output]), model.output)[0]
    }

    /// A sentence embedding of `tokens` evaluated from the current position: the final (normalized) hidden
    /// states mean-pooled over the tokens, scaled to unit length — what llama.cpp returns with mean pooling.
    public func embedding(of tokens: [TokenID]) throws(Failure) -> [Float] {
        var sum = [Float](repeating: 0, count: model.configuration.width)
        for hidden in try forward(tokens) { VectorMath.add(hidden, to: &sum) }
        let length = sum.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return length > 0 ? sum.map { $0 / length } : sum
    }

    /// Runs `tokens` through every layer from the current position; their final normalized hidden states.
    private func forward(_ tokens: [TokenID]) throws(Failure) -> [[Float]] {
        let c = model.configuration
        guard !tokens.isEmpty else { return [] }
        guard position + tokens.count <= contextLength else { throw .contextFull(contextLength: contextLength) }
        if let bad = tokens.first(where: { $0 < 0 || Int($0) >= c.vocabularySize }) { throw .tokenOutOfRange(bad) }
        var xs = tokens.map { model.tokenEmbedding.dequantizeRow(Int($0)) }
        for (index, layer) in model.layers.enumerated() {
            attention(layer, layerIndex: index, xs: &xs)
            feedForward(layer, xs: &xs)
        }
        position += tokens.count
        return xs.map { VectorMath.rmsNormalized($0, weight: model.outputNorm, epsilon: c.normEpsilon) }
    }

    /// Attention for rows at positions `position`, `position + 1`, ...: each row sees the cache up to itself.
    private func attention(_ layer: LlamaModel.Layer, layerIndex: Int, xs: inout [[Float]]) {
        let c = model.configuration
        let normalized = Batch(
            xs.map { VectorMath.rmsNormalized($0, weight: layer.attentionNorm, epsilon: c.normEpsilon) },
            for: [layer.query, layer.key, layer.value])
        let projected = project(
            normalized, [layer.query, layer.key, layer.value],
            biases: [layer.queryBias, layer.keyBias, layer.valueBias])
        var (queries, keyRows, valueRows) = (projected[0], projected[1], projected[2])
        let rowWidth = c.keyValueHeadCount * c.headDimension
        for row in xs.indices {
            let at = position + row
            VectorMath.applyRope(&queries[row], headDimension: c.headDimension, position: at, configuration: c)
            VectorMath.applyRope(&keyRows[row], headDimension: c.headDimension, position: at, configuration: c)
            for element in 0..<rowWidth { keys[layerIndex][element * contextLength + at] = keyRows[row][element] }
            values[layerIndex].replaceSubrange(at * rowWidth..<(at + 1) * rowWidth, with: valueRows[row])
        }
        let mixed = xs.indices.map { attend(query: queries[$0], layerIndex: layerIndex, through: position + $0) }
        let outputs = project(Batch(mixed, for: [layer.attentionOutput]), layer.attentionOutput)
        for row in xs.indices { VectorMath.add(outputs[row], to: &xs[row]) }
    }

    /// Causal grouped-query attention of `query` over the cached positions 0...last.
    private func attend(query: [Float], layerIndex: Int, through last: Int) -> [Float] {
        let c = model.configuration
        var output: [Float] = []
        AttentionKernel.attend(
            query: query, keys: keys[layerIndex], values: values[layerIndex], through: last, capacity: contextLength,
            keyValueHeadCount: c.keyValueHeadCount, headDimension: c.headDimension, output: &output,
            scores: &scores)
        return output
    }

    private func feedForward(_ layer: LlamaModel.Layer, xs: inout [[Float]]) {
        let c = model.configuration
        let normalized = Batch(
            xs.map { VectorMath.rmsNormalized($0, weight: layer.feedForwardNorm, epsilon: c.normEpsilon) },
            for: [layer.gate, layer.up])
        let projected = project(normalized, [layer.gate, layer.up])
        let (gates, ups) = (projected[0], projected[1])
        let activated = Batch(xs.indices.map { VectorMath.swiGLU(gate: gates[$0], up: ups[$0]) }, for: [layer.down])
        let downs = project(activated, layer.down)
        for row in xs.indices { VectorMath.add(downs[row], to: &xs[row]) }
    }

    /// `weights[i] × row (+ biases[i])` for every row of `input` and every weight, (weight, row, output); when all
    /// the weights take 8-bit rows, one run of the pool computes them all.
    private func project(_ input: Batch, _ weights: [Tensor], biases: [[Float]] = []) -> [[[Float]]] {
        guard weights.count > 1, weights.allSatisfy(\.acceptsQuantizedVectors), let quantized = input.quantized else {
            return weights.indices.map { project(input, weights[$0], bias: $0 < biases.count ? biases[$0] : []) }
        }
        let products = Tensor.multiply(weights, quantized, pool: pool)
        return weights.indices.map { index in
            let rows = weights[index].info.rowCount
            let bias = index < biases.count ? biases[index] : []
            return (0..<input.rows.count).map { row in
                var result = Array(products[index][row * rows..<(row + 1) * rows])
                if !bias.isEmpty { VectorMath.add(bias, to: &result) }
                return result
            }
        }
    }

    /// `weight × row (+ bias)` for every row of `input`; 4- and 8-bit weights multiply the rows quantized to 8
    /// bits (as llama.cpp multiplies them), all rows in one pass over the weights.
    private func project(_ input: Batch, _ weight: Tensor, bias: [Float] = []) -> [[Float]] {
        var results: [[Float]]
        if weight.acceptsQuantizedVectors, let quantized = input.quantized {
            let flat = Tensor.multiply([weight], quantized, pool: pool)[0]
            let rows = weight.info.rowCount
            results = (0..<input.rows.count).map { Array(flat[$0 * rows..<($0 + 1) * rows]) }
        } else {
            results = input.rows.map { row in
                var result: [Float] = []
                weight.multiply(row, into: &result, pool: pool)
                return result
            }
        }
        if !bias.isEmpty { for index in results.indices { VectorMath.add(bias, to: &results[index]) } }
        return results
    }
}

/// The input rows of one or more matrix products, with their 8-bit form when one of the weights takes it
/// (quantized once, shared by the query, key and value projections, or the gate and up projections).
private struct Batch {
    let rows: [[Float]]
    let quantized: QuantizedBatch?

    init(_ rows: [[Float]], for weights: [Tensor]) {
        self.rows = rows
        let wanted = weights.contains(where: \.acceptsQuantizedVectors) && rows[0].count % 32 == 0
        quantized = wanted ? QuantizedBatch(rows) : nil
    }
}
