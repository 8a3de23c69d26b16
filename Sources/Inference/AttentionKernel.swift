import InferenceKernels
import InferenceKernelsAVX2

/// Causal grouped-query attention of one query row over a layer's cached keys and values, on the SIMD kernels of
/// `VectorKernels` (the build `KernelSelection` chose). Like `Kernels.swift`, this file reads through raw
/// pointers, after checking every buffer's size against the shapes it is given.
enum AttentionKernel {
    /// Per head h: Σ_t softmax_t(q_h · k_t,g / √d) v_t,g over positions t in 0...last, where g is the head's
    /// key/value head. `query` (headCount, d); `keys` (keyValueHeadCount, d, capacity), position-minor; `values`
    /// (capacity, keyValueHeadCount, d); `output` (headCount, d), overwritten; `scores` (≥ last + 1), scratch.
    ///
    /// The scores run over positions in SIMD lanes, each summing its products in element order, and the weighted
    /// values over elements, each summing in position order: the same float operations, in the same order, as the
    /// plain loops `dot += q[i] * k[t][i]` and `output[i] += weight[t] * v[t][i]`.
    static func attend(
        query: [Float], keys: [Float], values: [Float], through last: Int, capacity: Int, keyValueHeadCount: Int,
        headDimension d: Int, output: inout [Float], scores: inout [Float]
    ) {
        let shape = Shape(
            headCount: query.count / d, rowWidth: keyValueHeadCount * d, headDimension: d, capacity: capacity,
            positions: last + 1)
        precondition(query.count == shape.headCount * d && shape.headCount % keyValueHeadCount == 0, "whole heads")
        precondition(last < capacity && scores.count > last, "positions beyond the cache or the scores")
        precondition(keys.count >= shape.rowWidth * capacity && values.count >= shape.rowWidth * capacity, "cache")
        if output.count != query.count { output = [Float](repeating: 0, count: query.count) }
        if KernelSelection.usesAVX2 {
            attend(InferenceKernelsAVX2.VectorKernels.self, shape, query, keys, values, &output, &scores)
        } else {
            attend(InferenceKernels.VectorKernels.self, shape, query, keys, values, &output, &scores)
        }
    }

    private struct Shape {
        let headCount: Int
        let rowWidth: Int
        let headDimension: Int
        let capacity: Int
        let positions: Int
    }

    private static func attend<Kernels: VectorKernelSet>(
        _: Kernels.Type, _ shape: Shape, _ query: [Float], _ keys: [Float], _ values: [Float],
        _ output: inout [Float], _ scores: inout [Float]
    ) {
        let (d, positions) = (shape.headDimension, shape.positions)
        let groupSize = shape.headCount * d / shape.rowWidth
        let scale = 1 / Float(d).squareRoot()
        for head in 0..<shape.headCount {
            let kvOffset = (head / groupSize) * d
            // Sound: the preconditions keep every key run (kvOffset + i) * capacity ..< + positions inside `keys`,
            // and positions ≤ scores.count.
            unsafe keys.withUnsafeBufferPointer { k in
                unsafe scores.withUnsafeMutableBufferPointer { s in
                    unsafe s.baseAddress!.update(repeating: 0, count: positions)
                    for i in 0..<d {
                        let run = unsafe k.baseAddress! + (kvOffset + i) * shape.capacity
                        unsafe Kernels.addScaled(run, query[head * d + i], to: s.baseAddress!, positions)
                    }
                }
            }
            for t in 0..<positions { scores[t] *= scale }
            VectorMath.softmax(&scores[0..<positions])
            // Sound: every value run t * rowWidth + kvOffset ..< + d lies inside `values`; output holds
            // headCount * d elements.
            unsafe values.withUnsafeBufferPointer { v in
                unsafe output.withUnsafeMutableBufferPointer { o in
                    let target = unsafe o.baseAddress! + head * d
                    unsafe target.update(repeating: 0, count: d)
                    for t in 0..<positions {
                        unsafe Kernels.addScaled(
                            v.baseAddress! + t * shape.rowWidth + kvOffset, scores[t], to: target, d)
                    }
                }
            }
        }
    }
}

/// The attention kernels of one build.
protocol VectorKernelSet {
    static func addScaled(_ x: UnsafePointer<Float>, _ scale: Float, to y: UnsafeMutablePointer<Float>, _ count: Int)
}

extension InferenceKernels.VectorKernels: VectorKernelSet {}
extension InferenceKernelsAVX2.VectorKernels: VectorKernelSet {}
