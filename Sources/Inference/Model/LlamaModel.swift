/// A llama-family model's weights, bound to the tensors of a memory-mapped GGUF file and checked against its
/// configuration. Shared by every session; immutable.
public final class LlamaModel: Sendable {
    public let configuration: LlamaConfiguration
    public let file: GGUFFile
    let tokenEmbedding: Tensor
    let layers: [Layer]
    let outputNorm: [Float]
    /// The output head: `output.weight`, or the token embedding when the model ties them.
    let output: Tensor

    /// One transformer block's weights.
    struct Layer: Sendable {
        let attentionNorm: [Float]
        let query: Tensor
        let key: Tensor
        let value: Tensor
        let attentionOutput: Tensor
        /// Biases of the query, key and value projections (`qwen2`); empty without.
        let queryBias: [Float]
        let keyBias: [Float]
        let valueBias: [Float]
        let feedForwardNorm: [Float]
        let gate: Tensor
        let up: Tensor
        let down: Tensor
    }

    /// Binds the model in `file`, checking every tensor it needs for presence and shape.
    public init(file: GGUFFile) throws(ModelError) {
        let configuration = try LlamaConfiguration(file: file)
        self.configuration = configuration
        self.file = file
        let binder = TensorBinder(file: file, configuration: configuration)
        let c = configuration
        tokenEmbedding = try binder.matrix("token_embd.weight", rows: c.vocabularySize, columns: c.width)
        layers = try (0..<c.layerCount).map { (index) throws(ModelError) in try binder.layer(index) }
        outputNorm = try binder.vector("output_norm.weight", count: c.width)
        output =
            file.tensorInfo(named: "output.weight") == nil
            ? tokenEmbedding : try binder.matrix("output.weight", rows: c.vocabularySize, columns: c.width)
    }

    /// Opens and binds the model at `path`.
    public convenience init(contentsOfFile path: String) throws(ModelError) {
        do {
            try self.init(file: try GGUFFile(contentsOfFile: path))
        } catch let error as GGUFError {
            throw .file(error)
        } catch let error as ModelError {
            throw error
        } catch {
            throw .invalidHyperparameter("\(error)")
        }
    }
}

/// Looks tensors up by name and checks their shapes (GGUF lists dimensions innermost first: columns, rows).
private struct TensorBinder {
    let file: GGUFFile
    let configuration: LlamaConfiguration

    func matrix(_ name: String, rows: Int, columns: Int) throws(ModelError) -> Tensor {
        let tensor = try find(name)
        guard tensor.info.dimensions == [columns, rows] else {
            throw .shapeMismatch(tensor: name, expected: [columns, rows], found: tensor.info.dimensions)
        }
        return tensor.groupingRows()
    }

    /// A 1-D tensor (norm weights, biases) as floats.
    func vector(_ name: String, count: Int) throws(ModelError) -> [Float] {
        let tensor = try find(name)
        guard tensor.info.dimensions == [count] else {
            throw .shapeMismatch(tensor: name, expected: [count], found: tensor.info.dimensions)
        }
        return tensor.dequantizeRow(0)
    }

    func layer(_ index: Int) throws(ModelError) -> LlamaModel.Layer {
        let c = configuration
        let name = { (part: String) in "blk.\(index).\(part)" }
        let queryWidth = c.headCount * c.headDimension
        let keyValueWidth = c.keyValueHeadCount * c.headDimension
        let bias = { (part: String, count: Int) throws(ModelError) -> [Float] in
            c.hasAttentionBias ? try vector(name(part), count: count) : []
        }
        return LlamaModel.Layer(
            attentionNorm: try vector(name("attn_norm.weight"), count: c.width),
            query: try matrix(name("attn_q.weight"), rows: queryWidth, columns: c.width),
            key: try matrix(name("attn_k.weight"), rows: keyValueWidth, columns: c.width),
            value: try matrix(name("attn_v.weight"), rows: keyValueWidth, columns: c.width),
            attentionOutput: try matrix(name("attn_output.weight"), rows: c.width, columns: queryWidth),
            queryBias: try bias("attn_q.bias", queryWidth),
            keyBias: try bias("attn_k.bias", keyValueWidth),
            valueBias: try bias("attn_v.bias", keyValueWidth),
            feedForwardNorm: try vector(name("ffn_norm.weight"), count: c.width),
            gate: try matrix(name("ffn_gate.weight"), rows: c.feedForwardWidth, columns: c.width),
            up: try matrix(name("ffn_up.weight"), rows: c.feedForwardWidth, columns: c.width),
            down: try matrix(name("ffn_down.weight"), rows: c.width, columns: c.feedForwardWidth))
    }

    private func find(_ name: String) throws(ModelError) -> Tensor {
        guard let tensor = file.tensor(named: name) else { throw .missingTensor(name) }
        return tensor
    }
}
