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
                let quant = Self.roundedHalfAwayFromZero(value * inverse)
                quants.append(quant)
                sum += Int(quant)
            }
            // Stored as f16, as GGML's Q8_0/Q8_1 blocks store them (the quants used the unrounded scale).
            scales.append(Float(Float16(scale)))
            sums.append(Float(Float16(scale * Float(sum))))
        }
        self.quants = quants
        self.scales = scales
        self.sums = sums
    }

    /// `value` (within ±127.5) rounded half away from zero, as C's `roundf` (a library call per element when
    /// written `rounded(.toNearestOrAwayFromZero)`): the truncation, plus a step when the dropped fraction, which
    /// `value - truncation` gives exactly, reaches one half.
    @inline(__always)
    static func roundedHalfAwayFromZero(_ value: Float) -> Int8 {
        let truncated = Int32(value)
        let fraction = value - Float(truncated)
        let step: Int32 = fraction >= 0.5 ? 1 : fraction <= -0.5 ? -1 : 0
        return Int8(truncated + step)
    }
}

/// Several activation vectors quantized like `QuantizedVector`, one after another: the rows of a prompt, multiplied
/// by a weight matrix in one pass so each weight row is read from memory once for all of them.
public struct QuantizedBatch: Sendable {
    /// The number of vectors.
    public let count: Int
    /// The elements of each vector.
    public let length: Int
    let quants: [Int8]
    let scales: [Float]
    let sums: [Float]

    /// A batch of one (sharing the vector's storage).
    public init(_ vector: QuantizedVector) {
        count = 1
        length = vector.count
        quants = vector.quants
        scales = vector.scales
        sums = vector.sums
    }

    /// Quantizes `vectors`, which must all have the same count, a multiple of 32.
    public init(_ vectors: [[Float]]) {
        precondition(!vectors.isEmpty, "an empty batch")
        let quantized = vectors.map(QuantizedVector.init)
        let length = vectors[0].count
        precondition(quantized.allSatisfy { $0.count == length }, "vectors of different lengths")
        count = vectors.count
        self.length = length
        quants = quantized.flatMap(\.quants)
        scales = quantized.flatMap(\.scales)
        sums = quantized.flatMap(\.sums)
    }
}
