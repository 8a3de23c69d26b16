import Foundation
import Inference
import Testing

@Suite("Q8 activation vectors and the integer kernels")
struct QuantizedVectorTests {
    private static let file: Result<GGUFFile, any Error> = Result {
        try GGUFFile(contentsOfFile: GeneratedFixtures.url("all_types.gguf").path)
    }

    /// gguf's Q8_0 blocks of x512: an f16 scale and 32 signed bytes each.
    private func ggufBlocks() throws -> (scales: [Float], quants: [Int8]) {
        let data = [UInt8](try Data(contentsOf: GeneratedFixtures.url("x512.q8_0")))
        var scales: [Float] = []
        var quants: [Int8] = []
        for start in stride(from: 0, to: data.count, by: 34) {
            scales.append(Float(Float16(bitPattern: UInt16(data[start]) | UInt16(data[start + 1]) << 8)))
            quants += data[start + 2..<start + 34].map { Int8(bitPattern: $0) }
        }
        return (scales, quants)
    }

    /// Same rounding as ggml's quantize_row_q8_0 and _q8_1: quants from the float32 scale, the scale and the
    /// block sum (scale × Σ quants) stored as f16.
    @Test func quantizesLikeGGUF() throws {
        let x = try GeneratedFixtures.floats("x512.f32")
        let vector = QuantizedVector(x)
        let expected = try ggufBlocks()
        #expect(vector.quants == expected.quants)
        #expect(vector.scales == expected.scales)
        for block in 0..<16 {
            let sum = vector.quants[32 * block..<32 * block + 32].reduce(0) { $0 + Int($1) }
            let scale = x[32 * block..<32 * block + 32].reduce(0) { max($0, abs($1)) } / 127
            #expect(vector.sums[block] == Float(Float16(scale * Float(sum))))
        }
    }

    @Test func zeroBlocksQuantizeToZero() {
        let vector = QuantizedVector([Float](repeating: 0, count: 64))
        #expect(vector.quants.allSatisfy { $0 == 0 })
        #expect(vector.scales == [0, 0])
    }

    /// Quantizing x moves each element by at most half its block's scale, so the product moves by at most
    /// Σ |w_i| * scale(i) / 2, plus float32 rounding.
    @Test(arguments: ["q4_0", "q4_1", "q8_0", "q4_k", "q5_0", "q5_1"], [1, 2])
    func integerProductsStayWithinTheQuantizationBound(name: String, threadCount: Int) throws {
        let tensor = try #require(try Self.file.get().tensor(named: name))
        #expect(tensor.acceptsQuantizedVectors)
        let weights = try GeneratedFixtures.floats("\(name).f32")
        let x = try GeneratedFixtures.floats("x512.f32")
        let vector = QuantizedVector(x)
        var output: [Float] = []
        tensor.multiply(vector, into: &output, pool: ThreadPool(threadCount: threadCount))
        let length = tensor.info.rowLength
        for row in 0..<tensor.info.rowCount {
            var exact = 0.0
            var bound = 0.0
            for index in 0..<length {
                let weight = Double(weights[row * length + index])
                exact += weight * Double(x[index])
                bound += abs(weight) * (Double(vector.scales[index / 32]) / 2 + abs(Double(x[index])) * 1e-5)
            }
            #expect(abs(Double(output[row]) - exact) <= bound, "\(name) row \(row): \(output[row]) vs \(exact)")
        }
    }

    @Test func otherTypesDoNotTakeQuantizedVectors() throws {
        for name in ["f32", "f16", "f32_odd", "norm", "q6_k"] {
            #expect(!(try #require(try Self.file.get().tensor(named: name)).acceptsQuantizedVectors))
        }
    }
}
