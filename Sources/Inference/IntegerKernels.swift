import InferenceKernels

/// Integer dot products of Q4_0, Q4_1, Q8_0 and Q4_K rows with Q8-quantized activations (`QuantizedVector`), and the
/// threaded matrix-vector product on them.
///
/// Like `Kernels.swift`, this file reads tensor data through raw pointers: rows whose byte range `Tensor` checked and
/// activation buffers whose length was checked against the row length.
extension Tensor {
    /// Whether `multiply(_: QuantizedVector, …)` supports this tensor's type: Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, Q4_K.
    /// (Q6_K measured slower this way than with float activations: 4.3 against 6.6 GB per CPU-second.)
    public var acceptsQuantizedVectors: Bool { [.q4_0, .q4_1, .q5_0, .q5_1, .q8_0, .q4_K].contains(info.type) }

    /// `output[r] = dot(row r, vector)` with integer products, for the types that `acceptsQuantizedVectors`.
    public func multiply(_ vector: QuantizedVector, into output: inout [Float], pool: ThreadPool) {
        multiply(QuantizedBatch(vector), into: &output, pool: pool)
    }

    /// `output[v * rowCount + r] = dot(row r, vector v)` for every vector of `batch`, with integer products: the
    /// rows are split over `pool`'s threads and each row meets every vector while it is in cache.
    public func multiply(_ batch: QuantizedBatch, into output: inout [Float], pool: ThreadPool) {
        output = Tensor.multiply([self], batch, pool: pool)[0]
    }

    /// Each of `tensors` times every vector of `batch`, in one run of `pool` over all their rows: a layer's query,
    /// key and value projections (or gate and up) share their input, and the pool wakes once for them. Result `i`
    /// is what `tensors[i].multiply(batch, into:)` computes: (vector, row of tensor `i`).
    public static func multiply(_ tensors: [Tensor], _ batch: QuantizedBatch, pool: ThreadPool) -> [[Float]] {
        for tensor in tensors {
            precondition(tensor.acceptsQuantizedVectors, "\(tensor.info.type) rows do not take quantized vectors")
            precondition(
                batch.length == tensor.info.rowLength,
                "vectors have \(batch.length) elements, rows \(tensor.info.rowLength)")
        }
        let rowCounts = tensors.map(\.info.rowCount)
        let totalRows = rowCounts.reduce(0, +)
        // (tensor, vector, row): each tensor's results one after another.
        var flat = [Float](repeating: 0, count: totalRows * batch.count)
        let taskCount = min(totalRows, pool.threadCount * 4)
        unsafe withWeights(tensors[...], pinned: []) { weights in
            unsafe batch.quants.withUnsafeBufferPointer { quants in
                unsafe batch.scales.withUnsafeBufferPointer { scales in
                    unsafe batch.sums.withUnsafeBufferPointer { sums in
                        unsafe flat.withUnsafeMutableBufferPointer { y in
                            // Sound: the pool runs every task before `run` returns, while the buffers are pinned
                            // (`tensors` keeps the row groups alive); tasks write disjoint rows of every vector's
                            // output.
                            var parts: [QuantizedBuffers.Part] = unsafe []
                            var firstRow = 0
                            for (index, tensor) in tensors.enumerated() {
                                unsafe parts.append(
                                    QuantizedBuffers.Part(
                                        weights: weights[index], type: tensor.info.type,
                                        rowBytes: tensor.info.rowByteCount,
                                        rows: firstRow..<firstRow + rowCounts[index],
                                        y: y.baseAddress! + firstRow * batch.count,
                                        groups: tensor.rowGroups.map { unsafe UnsafeRawPointer($0.bytes.baseAddress!) })
                                )
                                firstRow += rowCounts[index]
                            }
                            let buffers = unsafe QuantizedBuffers(
                                parts: parts, quants: quants, scales: scales, sums: sums, vectorCount: batch.count)
                            pool.run(taskCount: taskCount) { task in
                                unsafe buffers.multiply(
                                    rows: (totalRows * task / taskCount)..<(totalRows * (task + 1) / taskCount))
                            }
                        }
                    }
                }
            }
        }
        var start = 0
        return rowCounts.map { rowCount in
            defer { start += rowCount * batch.count }
            return Array(flat[start..<start + rowCount * batch.count])
        }
    }

    /// Calls `body` with the bytes of every tensor of `tensors`, pinned, after those in `pinned`.
    private static func withWeights(
        _ tensors: ArraySlice<Tensor>, pinned: [UnsafeRawBufferPointer], _ body: ([UnsafeRawBufferPointer]) -> Void
    ) {
        guard let first = tensors.first else { return unsafe body(pinned) }
        first.file.bytes.withSpan(first.byteRange) { matrix in
            unsafe matrix.withUnsafeBytes { unsafe withWeights(tensors.dropFirst(), pinned: pinned + [$0], body) }
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
    /// One weight matrix: its rows' place in the run's row numbering, and where its results go.
    @unsafe struct Part {
        let weights: UnsafeRawBufferPointer
        let type: TensorType
        let rowBytes: Int
        let rows: Range<Int>
        /// (vector, row): vector `v`'s results start at `v * rows.count`.
        let y: UnsafeMutablePointer<Float>
        /// The rows interleaved in groups of eight (`Q4_0RowGroups`), when the tensor has them.
        let groups: UnsafeRawPointer?
    }

    let parts: [Part]
    let quants: UnsafeBufferPointer<Int8>
    let scales: UnsafeBufferPointer<Float>
    let sums: UnsafeBufferPointer<Float>
    let vectorCount: Int

    /// Rows `rows` of the run (counted through the parts in order) times every vector.
    func multiply(rows: Range<Int>) {
        for index in unsafe parts.indices {
            let part = unsafe parts[index]
            let overlap = rows.clamped(to: unsafe part.rows)
            guard !overlap.isEmpty else { continue }
            let first = unsafe part.rows.lowerBound
            unsafe multiply(part, rows: overlap.lowerBound - first..<overlap.upperBound - first)
        }
    }

    /// Rows `rows` of `part` times each of `vectorCount` vectors stored one after another.
    private func multiply(_ part: Part, rows: Range<Int>) {
        if let groups = unsafe part.groups { return unsafe multiply(part, groups: groups, rows: rows) }
        let vectorCount = unsafe self.vectorCount
        let blockCount = unsafe scales.count / vectorCount
        let length = blockCount * 32
        let rowCount = unsafe part.rows.count
        let kernel = unsafe KernelSelection.integerKernel(part.type)
        let fourVectorKernel = unsafe KernelSelection.fourVectorKernel(part.type)
        for row in rows {
            let base = unsafe part.weights.baseAddress! + row * part.rowBytes
            var first = 0
            if let fourVectorKernel = unsafe fourVectorKernel {
                while first + 4 <= vectorCount {
                    let (q, d) = unsafe (quants.baseAddress! + first * length, scales.baseAddress! + first * blockCount)
                    let s = unsafe sums.baseAddress! + first * blockCount
                    unsafe fourVectorKernel(
                        base, part.type.blockByteCount, q, d, s, blockCount, part.y + first * rowCount + row, rowCount)
                    first += 4
                }
            }
            for vector in first..<vectorCount {
                let q = unsafe quants.baseAddress! + vector * length
                let (d, s) = unsafe (scales.baseAddress! + vector * blockCount, sums.baseAddress! + vector * blockCount)
                unsafe part.y[vector * rowCount + row] = unsafe kernel(base, q, d, s, blockCount)
            }
        }
    }

    /// The row groups of `part` whose first row lies in `rows`, times every vector: a group is computed whole by
    /// the task that holds its first row, so every row takes the grouped kernels however the tasks split the rows.
    private func multiply(_ part: Part, groups: UnsafeRawPointer, rows: Range<Int>) {
        let vectorCount = unsafe self.vectorCount
        let rowCount = unsafe part.rows.count
        let blockCount = unsafe scales.count / vectorCount
        let (one, four) = unsafe KernelSelection.groupKernels
        let size = RowGroupLayout.rows
        for group in (rows.lowerBound + size - 1) / size..<(rows.upperBound + size - 1) / size {
            let base = unsafe groups + group * blockCount * RowGroupLayout.blockBytes
            var vector = 0
            while vector < vectorCount {
                let q = unsafe quants.baseAddress! + vector * blockCount * 32
                let (d, s) = unsafe (scales.baseAddress! + vector * blockCount, sums.baseAddress! + vector * blockCount)
                let y = unsafe part.y + vector * rowCount + group * size
                if vector + 4 <= vectorCount {
                    unsafe four(base, q, d, s, blockCount, y, rowCount)
                    vector += 4
                } else {
                    unsafe one(base, q, d, s, blockCount, y)
                    vector += 1
                }
            }
        }
    }
}
