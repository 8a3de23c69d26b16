/// One conversation's state on a model: the key/value cache and the position. Feeds tokens one at a time and
/// returns the logits for the next one. Not thread-safe; run one session per generation.
public final class InferenceSession {
    public let model: LlamaModel
    public let contextLength: Int
    /// Tokens evaluated so far (the next token's position).
    public private(set) var position = 0
    private let pool: ThreadPool
    /// Per layer: `contextLength` rows of `keyValueHeadCount * headDimension` keys, then the same for values.
    private var keys: [[Float]]
    private var values: [[Float]]

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
    }

    /// Forgets every token.
    public func reset() { position = 0 }

    /// Evaluates `token` at the current position; returns the next-token logits when `wantLogits`.
    @discardableResult
    public func evaluate(_ token: TokenID, wantLogits: Bool = true) throws(Failure) -> [Float]? {
        let hidden = try forward(token)
        guard wantLogits else { return nil }
        var logits: [Float] = []
        model.output.multiply(hidden, into: &logits, pool: pool)
        return logits
    }

    /// A sentence embedding of `tokens` evaluated from the current position: the final (normalized) hidden
    /// states mean-pooled over the tokens, scaled to unit length — what llama.cpp returns with mean pooling.
    public func embedding(of tokens: [TokenID]) throws(Failure) -> [Float] {
        var sum = [Float](repeating: 0, count: model.configuration.width)
        for token in tokens { VectorMath.add(try forward(token), to: &sum) }
        let length = sum.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return length > 0 ? sum.map { $0 / length } : sum
    }

    /// Runs `token` through every layer at the current position; the final normalized hidden state.
    private func forward(_ token: TokenID) throws(Failure) -> [Float] {
        let c = model.configuration
        guard position < contextLength else { throw .contextFull(contextLength: contextLength) }
        guard token >= 0, Int(token) < c.vocabularySize else { throw .tokenOutOfRange(token) }
        var x = model.tokenEmbedding.dequantizeRow(Int(token))
        for (index, layer) in model.layers.enumerated() {
            attention(layer, layerIndex: index, x: &x)
            feedForward(layer, x: &x)
        }
        position += 1
        return VectorMath.rmsNormalized(x, weight: model.outputNorm, epsilon: c.normEpsilon)
    }

    private func attention(_ layer: LlamaModel.Layer, layerIndex: Int, x: inout [Float]) {
        let c = model.configuration
        let normalized = VectorMath.rmsNormalized(x, weight: layer.attentionNorm, epsilon: c.normEpsilon)
        var query = project(normalized, layer.query, bias: layer.queryBias)
        var key = project(normalized, layer.key, bias: layer.keyBias)
        let value = project(normalized, layer.value, bias: layer.valueBias)
        VectorMath.applyRope(&query, headDimension: c.headDimension, position: position, configuration: c)
        VectorMath.applyRope(&key, headDimension: c.headDimension, position: position, configuration: c)
        let rowWidth = key.count
        keys[layerIndex].replaceSubrange(position * rowWidth..<(position + 1) * rowWidth, with: key)
        values[layerIndex].replaceSubrange(position * rowWidth..<(position + 1) * rowWidth, with: value)
        let mixed = attend(query: query, layerIndex: layerIndex)
        var output: [Float] = []
        layer.attentionOutput.multiply(mixed, into: &output, pool: pool)
        VectorMath.add(output, to: &x)
    }

    /// Causal grouped-query attention of `query` over the cached positions 0...position.
    private func attend(query: [Float], layerIndex: Int) -> [Float] {
        let c = model.configuration
        let d = c.headDimension
        let rowWidth = c.keyValueHeadCount * d
        let groupSize = c.headCount / c.keyValueHeadCount
        let scale = 1 / Float(d).squareRoot()
        var output = [Float](repeating: 0, count: c.headCount * d)
        var scores = [Float](repeating: 0, count: position + 1)[...]
        for head in 0..<c.headCount {
            let kvOffset = (head / groupSize) * d
            let q = query[head * d..<(head + 1) * d]
            for t in 0...position {
                let base = t * rowWidth + kvOffset
                var dot: Float = 0
                for i in 0..<d { dot += q[q.startIndex + i] * keys[layerIndex][base + i] }
                scores[t] = dot * scale
            }
            VectorMath.softmax(&scores)
            for t in 0...position {
                let base = t * rowWidth + kvOffset
                let weight = scores[t]
                for i in 0..<d { output[head * d + i] += weight * values[layerIndex][base + i] }
            }
        }
        return output
    }

    private func feedForward(_ layer: LlamaModel.Layer, x: inout [Float]) {
        let c = model.configuration
        let normalized = VectorMath.rmsNormalized(x, weight: layer.feedForwardNorm, epsilon: c.normEpsilon)
        let gate = project(normalized, layer.gate, bias: [])
        let up = project(normalized, layer.up, bias: [])
        var down: [Float] = []
        layer.down.multiply(VectorMath.swiGLU(gate: gate, up: up), into: &down, pool: pool)
        VectorMath.add(down, to: &x)
    }

    private func project(_ x: [Float], _ weight: Tensor, bias: [Float]) -> [Float] {
        var result: [Float] = []
        weight.multiply(x, into: &result, pool: pool)
        if !bias.isEmpty { VectorMath.add(bias, to: &result) }
        return result
    }
}
