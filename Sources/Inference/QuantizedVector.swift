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
        (quants, scales, sums) = Self.quantize([vector[...]])
    }

    /// `vectors` (each a multiple of 32 long, all alike) quantized one after another into three arrays: the
    /// quants, and per block the scales and sums (stored as f16, as GGML's Q8_0/Q8_1 blocks store them; the
    /// quants used the unrounded scale).
    static func quantize(_ vectors: [ArraySlice<Float>]) -> (quants: [Int8], scales: [Float], sums: [Float]) {
        let length = vectors.first?.count ?? 0
        precondition(length % 32 == 0 && vectors.allSatisfy { $0.count == length }, "whole blocks, equal lengths")
        let blockCount = length / 32
        var scales = [Float](repeating: 0, count: blockCount * vectors.count)
        var sums = scales
        let quants = unsafe [Int8](unsafeUninitializedCapacity: length * vectors.count) { q, initialized in
            unsafe scales.withUnsafeMutableBufferPointer { d in
                unsafe sums.withUnsafeMutableBufferPointer { s in
                    for (index, vector) in vectors.enumerated() {
                        // Sound: each vector's blockCount blocks go to its own part of the three buffers, sized
                        // for all of them.
                        unsafe vector.withUnsafeBufferPointer { x in
                            unsafe KernelSelection.quantize(
                                x.baseAddress!, blockCount, q.baseAddress! + index * length,
                                d.baseAddress! + index * blockCount, s.baseAddress! + index * blockCount)
                        }
                    }
                }
            }
            initialized = length * vectors.count
        }
        return (quants, scales, sums)
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
        count = vectors.count
        length = vectors[0].count
        (quants, scales, sums) = QuantizedVector.quantize(vectors.map { $0[...] })
    }
}
