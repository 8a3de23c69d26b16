/// An activation vector quantized like GGML's Q8_0 (per 32 elements: a scale and 32 signed bytes), so the 4- and
/// 8-bit weight kernels can multiply integers, as llama.cpp does, instead of converting every weight to `Float`.
public struct QuantizedVector: Sendable {
    /// The quantized elements (`count` of them, a multiple of 32).
    public let quants: [Int8]
    /// One scale per block of 32: element `i` is about `scales[i / 32] * quants[i]`.
    public let scales: [Float]
    /// Per block, `scale * Σ quants` (the Q4_1 minimum multiplies it).
    public let sums: [Float]

    /// The number of elements.
    public var count: Int { quants.count }

    /// Quantizes `vector`, whose count must be a multiple of 32: each block's largest magnitude maps to ±127.
    public init(_ vector: [Float]) {
        precondition(vector.count % 32 == 0, "a quantized vector holds whole blocks of 32")
        var quants: [Int8] = []
        var scales: [Float] = []
        var sums: [Float] = []
        quants.reserveCapacity(vector.count)
        for start in stride(from: 0, to: vector.count, by: 32) {
            let block = vector[start..<start + 32]
            let largest = block.reduce(0) { max($0, abs($1)) }
            let scale = largest / 127
            let inverse = scale == 0 ? 0 : 1 / scale
            var sum = 0
            for value in block {
                let quant = Int8((value * inverse).rounded(.toNearestOrAwayFromZero))
                quants.append(quant)
                sum += Int(quant)
            }
            scales.append(scale)
            sums.append(scale * Float(sum))
        }
        self.quants = quants
        self.scales = scales
        self.sums = sums
    }
}
