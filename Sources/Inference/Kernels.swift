/// Dot products of quantized rows with `Float` vectors, dequantizing on the fly with SIMD, and the threaded
/// matrix-vector product built on them.
///
/// This file and `IntegerKernels.swift` read tensor data through raw pointers: each kernel (module
/// `InferenceKernels`, chosen by `KernelSelection`) gets a row whose byte range was checked by `Tensor` and an
/// activation vector whose length was checked against the row length.
extension Tensor {
    /// The dot product of row `row` with `vector` (whose count must equal the row length).
    public func dot(row: Int, _ vector: [Float]) -> Float {
        precondition(vector.count == info.rowLength, "vector has \(vector.count) elements, rows \(info.rowLength)")
        return withRowBytes(row) { bytes in
            unsafe vector.withUnsafeBufferPointer { x in
                // Sound: both buffers were size-checked against the row length above.
                unsafe bytes.withUnsafeBytes {
                    unsafe KernelSelection.dot(info.type, $0.baseAddress!, x.baseAddress!, x.count)
                }
            }
        }
    }

    /// `dot(row:_:)` computed by a given build of the kernels (the tests compare the builds).
    func dot<Kernels: FloatKernelSet>(row: Int, _ vector: [Float], kernels: Kernels.Type) -> Float {
        precondition(vector.count == info.rowLength, "vector has \(vector.count) elements, rows \(info.rowLength)")
        return withRowBytes(row) { bytes in
            unsafe vector.withUnsafeBufferPointer { x in
                // Sound: both buffers were size-checked against the row length above.
                unsafe bytes.withUnsafeBytes {
                    unsafe KernelSelection.dot(kernels, info.type, $0.baseAddress!, x.baseAddress!, x.count)
                }
            }
        }
    }

    /// `output[r] = dot(row r, vector)` for every row, split over `pool`'s threads.
    public func multiply(_ vector: [Float], into output: inout [Float], pool: ThreadPool) {
        precondition(vector.count == info.rowLength, "vector has \(vector.count) elements, rows \(info.rowLength)")
        let rowCount = info.rowCount
        if output.count != rowCount { output = [Float](repeating: 0, count: rowCount) }
        let type = info.type
        let rowBytes = info.rowByteCount
        let taskCount = min(rowCount, pool.threadCount * 4)
        file.bytes.withSpan(byteRange) { matrix in
            unsafe matrix.withUnsafeBytes { weights in
                unsafe vector.withUnsafeBufferPointer { x in
                    unsafe output.withUnsafeMutableBufferPointer { y in
                        // Sound: the pool runs every task before `run` returns, while the three buffers are pinned;
                        // tasks write disjoint row ranges of `y`.
                        let buffers = unsafe Buffers(weights: weights, x: x, y: y)
                        pool.run(taskCount: taskCount) { task in
                            let rows = (rowCount * task / taskCount)..<(rowCount * (task + 1) / taskCount)
                            unsafe buffers.multiply(rows: rows, type: type, rowBytes: rowBytes)
                        }
                    }
                }
            }
        }
    }
}

/// Pointers shared by the tasks of one `multiply` call.
@unsafe private struct Buffers: @unchecked Sendable {
    let weights: UnsafeRawBufferPointer
    let x: UnsafeBufferPointer<Float>
    let y: UnsafeMutableBufferPointer<Float>

    func multiply(rows: Range<Int>, type: TensorType, rowBytes: Int) {
        for row in rows {
            unsafe y[row] = unsafe KernelSelection.dot(
                type, weights.baseAddress! + row * rowBytes, x.baseAddress!, x.count)
        }
    }
}
