/// Integer dot products of Q4_0, Q4_1, Q8_0 and Q4_K rows with Q8-quantized activations (`QuantizedVector`), and the
/// threaded matrix-vector product on them.
///
/// Like `Kernels.swift`, this file reads tensor data through raw pointers: rows whose byte range `Tensor` checked and
/// activation buffers whose length was checked against the row length.
extension Tensor {
    /// Whether `multiply(_: QuantizedVector, …)` supports this tensor's type: Q4_0, Q4_1, Q8_0 and Q4_K. (Q6_K
    /// measured slower this way than with float activations: 4.3 against 6.6 GB per CPU-second.)
    public var acceptsQuantizedVectors: Bool { [.q4_0, .q4_1, .q8_0, .q4_K].contains(info.type) }

    /// `output[r] = dot(row r, vector)` with integer products, for the types that `acceptsQuantizedVectors`.
    public func multiply(_ vector: QuantizedVector, into output: inout [Float], pool: ThreadPool) {
        multiply(QuantizedBatch(vector), into: &output, pool: pool)
    }

    /// `output[v * rowCount + r] = dot(row r, vector v)` for every vector of `batch`, with integer products: the
    /// rows are split over `pool`'s threads and each row meets every vector while it is in cache.
    public func multiply(_ batch: QuantizedBatch, into output: inout [Float], pool: ThreadPool) {
        precondition(acceptsQuantizedVectors, "\(info.type) rows do not take quantized vectors")
        precondition(batch.length == info.rowLength, "vectors have \(batch.length) elements, rows \(info.rowLength)")
        let rowCount = info.rowCount
        if output.count != rowCount * batch.count { output = [Float](repeating: 0, count: rowCount * batch.count) }
        let type = info.type
        let rowBytes = info.rowByteCount
        let vectorCount = batch.count
        let taskCount = min(rowCount, pool.threadCount * 4)
        file.bytes.withSpan(byteRange) { matrix in
            unsafe matrix.withUnsafeBytes { weights in
                unsafe batch.quants.withUnsafeBufferPointer { quants in
                    unsafe batch.scales.withUnsafeBufferPointer { scales in
                        unsafe batch.sums.withUnsafeBufferPointer { sums in
                            unsafe output.withUnsafeMutableBufferPointer { y in
                                // Sound: as in multiply(_: QuantizedVector, …); tasks write disjoint rows of
                                // every vector's output.
                                let blocks = unsafe QuantizedBuffers(
                                    weights: weights, quants: quants, scales: scales, sums: sums, y: y)
                                pool.run(taskCount: taskCount) { task in
                                    let rows = (rowCount * task / taskCount)..<(rowCount * (task + 1) / taskCount)
                                    unsafe blocks.multiply(
                                        rows: rows, type: type, rowBytes: rowBytes, vectorCount: vectorCount,
                                        rowCount: rowCount)
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

extension Tensor {
    /// The integer dot product of row `row` with `vector`, computed by a given build of the kernels (the tests
    /// compare the builds).
    func dot<Kernels: IntegerKernelSet>(row: Int, _ vector: QuantizedVector, kernels: Kernels.Type) -> Float {
        precondition(acceptsQuantizedVectors, "\(info.type) rows do not take quantized vectors")
        precondition(vector.count == info.rowLength, "vector has \(vector.count) elements, rows \(info.rowLength)")
        return withRowBytes(row) { bytes in
            unsafe vector.quants.withUnsafeBufferPointer { q in
                unsafe vector.scales.withUnsafeBufferPointer { d in
                    unsafe vector.sums.withUnsafeBufferPointer { s in
                        // Sound: the row and the three buffers were size-checked against the row length above.
                        unsafe bytes.withUnsafeBytes {
                            unsafe KernelSelection.integerDot(
                                kernels, info.type, $0.baseAddress!, q.baseAddress!, d.baseAddress!, s.baseAddress!,
                                d.count)
                        }
                    }
                }
            }
        }
    }
}

/// Pointers shared by the tasks of one quantized `multiply` call.
@unsafe private struct QuantizedBuffers: @unchecked Sendable {
    let weights: UnsafeRawBufferPointer
    let quants: UnsafeBufferPointer<Int8>
    let scales: UnsafeBufferPointer<Float>
    let sums: UnsafeBufferPointer<Float>
    let y: UnsafeMutableBufferPointer<Float>

    /// Rows `rows` times each of `vectorCount` vectors stored one after another; vector `v`'s results start at
    /// `v * rowCount`.
    func multiply(rows: Range<Int>, type: TensorType, rowBytes: Int, vectorCount: Int, rowCount: Int) {
        let blockCount = unsafe scales.count / vectorCount
        let length = blockCount * 32
        let kernel = unsafe KernelSelection.integerKernel(type)
        let fourVectorKernel = unsafe KernelSelection.fourVectorKernel(type)
        for row in rows {
            let base = unsafe weights.baseAddress! + row * rowBytes
            var first = 0
            if let fourVectorKernel = unsafe fourVectorKernel {
                while first + 4 <= vectorCount {
                    let (q, d) = unsafe (quants.baseAddress! + first * length, scales.baseAddress! + first * blockCount)
                    let s = unsafe sums.baseAddress! + first * blockCount
                    unsafe fourVectorKernel(
                        base, type.blockByteCount, q, d, s, blockCount, y.baseAddress! + first * rowCount + row,
                        rowCount)
                    first += 4
                }
            }
            for vector in first..<vectorCount {
                let q = unsafe quants.baseAddress! + vector * length
                let (d, s) = unsafe (scales.baseAddress! + vector * blockCount, sums.baseAddress! + vector * blockCount)
                unsafe y[vector * rowCount + row] = unsafe kernel(base, q, d, s, blockCount)
            }
        }
    }
}
