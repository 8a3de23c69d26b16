import Glibc

/// The element-wise steps of the forward pass (the matrix products are the tensors' own kernels).
enum VectorMath {
    /// `x / rms(x) * weight`, llama's RMSNorm.
    static func rmsNormalized(_ x: [Float], weight: [Float], epsilon: Float) -> [Float] {
        var sumOfSquares: Float = 0
        for value in x { sumOfSquares += value * value }
        let scale = 1 / (sumOfSquares / Float(x.count) + epsilon).squareRoot()
        return (0..<x.count).map { x[$0] * scale * weight[$0] }
    }

    /// Rotates each head of `vector` (heads of `headDimension` values) for `position`.
    static func applyRope(
        _ vector: inout [Float], headDimension: Int, position: Int, configuration c: LlamaConfiguration
    ) {
        let half = c.ropeDimensions / 2
        let angle = Float(position) * c.ropePositionScale
        for pair in 0..<half {
            let theta = angle * powf(c.ropeBase, -Float(2 * pair) / Float(c.ropeDimensions))
            let (sine, cosine) = (sinf(theta), cosf(theta))
            for head in stride(from: 0, to: vector.count, by: headDimension) {
                let (first, second) =
                    c.ropeStyle == .adjacentPairs
                    ? (head + 2 * pair, head + 2 * pair + 1) : (head + pair, head + pair + half)
                let (a, b) = (vector[first], vector[second])
                vector[first] = a * cosine - b * sine
                vector[second] = a * sine + b * cosine
            }
        }
    }

    /// In-place softmax.
    static func softmax(_ values: inout ArraySlice<Float>) {
        guard let maximum = values.max() else { return }
        var sum: Float = 0
        for index in values.indices {
            values[index] = expf(values[index] - maximum)
            sum += values[index]
        }
        for index in values.indices { values[index] /= sum }
    }

    /// `silu(gate) * up`, SwiGLU's gating.
    static func swiGLU(gate: [Float], up: [Float]) -> [Float] {
        (0..<gate.count).map { gate[$0] / (1 + expf(-gate[$0])) * up[$0] }
    }

    static func add(_ addend: [Float], to x: inout [Float]) {
        for index in x.indices { x[index] += addend[index] }
    }
}
